// redis: standalone, sentinel or cluster. Each master executes commands one at a time on a single
// thread ("mostly single-threaded", SEMANTICS.md 2.3, RD benchmarks/index.md), so a master is an
// FCFS single server whose per-command cost defaults to 1/180,000 s (SEMANTICS.md 2.3:
// redis-benchmark SET 180k rps without pipelining; config/topology.hpp RedisSpec::op_cost). A
// cluster spreads keys over its masters by hash slot: 16384 slots (SEMANTICS.md 2.2, RD
// cluster-spec.md) in contiguous near-equal ranges, so uniformly. Commands go to masters: Sentinel
// clients talk to the master it names (RD sentinel-clients.md) and cluster replicas serve nothing
// unless a client sends READONLY, so replicas only count as instances here (failover is the
// drills' business). A cache call with `hit_ratio` misses with probability 1 - hit_ratio; when the
// working set exceeds maxmemory, only the fraction that fits can hit (redis_hit_ratio).
#include <vector>

#include "models/common.hpp"
#include "models/decisions.hpp"

namespace capsim::models {
namespace {

class Redis final : public sim::Component {
 public:
  Redis(const config::Component& c, const config::RedisSpec& spec, sim::ModelContext& ctx)
      : ctx_(ctx), spec_(spec), op_cost_(spec.op_cost) {
    for (int i = 0; i < spec.masters; ++i) {
      Master m;
      m.host = &ctx.engine.add_host(c.name + ".master[" + std::to_string(i) + "]", 1, 1);
      m.thread = std::make_unique<sim::WorkerPool>(ctx.engine, 1);
      masters_.push_back(std::move(m));
    }
    if (masters_.size() > 1) {
      slot_owner_.resize(kRedisClusterSlots);
      for (int s = 0; s < kRedisClusterSlots; ++s)
        slot_owner_[s] = redis_master_for_slot(s, static_cast<int>(masters_.size()));
    }
  }

  // Every redis-server process: the masters and `replicas` replicas of each (sentinels are not
  // counted: they usually share the data nodes' machines).
  int instances() const override { return masters() * (1 + spec_.replicas); }

  void handle(sim::Visit v) override {
    // A key's slot is uniform over the 16384 (CRC16 of the key, RD cluster-spec.md); its master
    // owns the slot's range.
    Master& m = masters_.size() == 1 ? masters_[0]
                                     : masters_[slot_owner_[ctx_.rng.below(kRedisClusterSlots)]];
    if (!m.host->up()) {
      v.done(sim::Outcome::failure("redis down"));
      return;
    }
    m.thread->acquire([this, &m, v = std::move(v)](sim::WorkerPool::Result) mutable {
      double cost = v.call->has_demand ? v.call->demand(ctx_.rng) : op_cost_(ctx_.rng);
      m.host->compute(cost, [this, &m, v = std::move(v)](bool ok) {
        m.thread->release();
        ++ops_;
        if (!ok) {
          v.done(sim::Outcome::failure("redis down"));
          return;
        }
        sim::Outcome o;
        if (v.call->hit_ratio >= 0) {
          double ratio = redis_hit_ratio(v.call->hit_ratio, spec_.maxmemory, spec_.working_set);
          o.miss = ctx_.rng.uniform() >= ratio;
          o.miss ? ++misses_ : ++hits_;
        }
        v.done(o);
      });
    });
  }

  void reset_stats(double now) override {
    for (auto& m : masters_) m.thread->reset_stats(now);
    ops_ = hits_ = misses_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double served = 0, wait = 0;
    for (const auto& m : masters_) {
      r.utilisation = std::max(r.utilisation, m.thread->utilisation(now));
      r.mean_queue += m.thread->mean_queue(now);
      r.max_queue = std::max(r.max_queue, m.thread->max_queue());
      served += static_cast<double>(m.thread->granted());
      wait += m.thread->mean_wait() * static_cast<double>(m.thread->granted());
    }
    r.mean_wait = served > 0 ? wait / served : 0;
    r.throughput = ops_ / std::max(1e-9, now - ctx_.measure_from);
    if (hits_ + misses_ > 0) r.extra["hit_ratio"] = static_cast<double>(hits_) / (hits_ + misses_);
    r.extra["masters"] = masters();
    r.extra["replicas"] = masters() * spec_.replicas;  // all replicas, over every master
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double queue = 0;
    for (const auto& m : masters_) queue += static_cast<double>(m.thread->waiting());
    out.emplace_back("queue", queue);
  }

 private:
  struct Master {
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> thread;
  };
  int masters() const { return static_cast<int>(masters_.size()); }

  sim::ModelContext ctx_;
  config::RedisSpec spec_;
  sim::Sampler op_cost_;
  std::deque<Master> masters_;
  std::vector<int> slot_owner_;  // cluster: the master owning each slot
  std::uint64_t ops_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_redis(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Redis>(c, std::get<config::RedisSpec>(c.spec), ctx);
}

}  // namespace capsim::models
