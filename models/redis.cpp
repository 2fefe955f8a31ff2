// redis: standalone, sentinel or cluster. Each master executes commands one at a time on a single
// thread ("mostly single-threaded", Redis benchmarks docs), so a master is an FCFS single server
// whose per-command cost defaults to 1/180,000 s (redis-benchmark SET without pipelining). A
// cluster spreads keys over its masters by hash slot, i.e. uniformly. A cache call with `hit_ratio`
// misses with probability 1 - hit_ratio; when the working set exceeds maxmemory, only the fraction
// that fits can hit.
#include <vector>

#include "models/common.hpp"

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
    if (spec.maxmemory && spec.working_set && *spec.working_set > *spec.maxmemory)
      fit_ = *spec.maxmemory / *spec.working_set;
  }

  int instances() const override { return static_cast<int>(masters_.size()); }

  void handle(sim::Visit v) override {
    Master& m = masters_[masters_.size() == 1 ? 0 : ctx_.rng.below(masters_.size())];
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
          o.miss = ctx_.rng.uniform() >= v.call->hit_ratio * fit_;
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
    for (const auto& m : masters_) {
      r.utilisation = std::max(r.utilisation, m.thread->utilisation(now));
      r.mean_queue += m.thread->mean_queue(now);
      r.max_queue = std::max(r.max_queue, m.thread->max_queue());
    }
    r.throughput = ops_ / std::max(1e-9, now - ctx_.measure_from);
    if (hits_ + misses_ > 0) r.extra["hit_ratio"] = static_cast<double>(hits_) / (hits_ + misses_);
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
  sim::ModelContext ctx_;
  config::RedisSpec spec_;
  sim::Sampler op_cost_;
  std::deque<Master> masters_;
  double fit_ = 1;
  std::uint64_t ops_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_redis(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Redis>(c, std::get<config::RedisSpec>(c.spec), ctx);
}

}  // namespace capsim::models
