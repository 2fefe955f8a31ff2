// redis: standalone, sentinel or cluster. Each master executes commands one at a time on a single
// thread ("mostly single-threaded", docs/SEMANTICS.md 2.3, RD benchmarks/index.md), so a master is
// an FCFS single server whose per-command cost defaults to 1/180,000 s (docs/SEMANTICS.md 2.3:
// redis-benchmark SET 180k rps without pipelining; models/redis/params.hpp). A cluster spreads keys
// over its masters by hash slot: 16384 slots (docs/SEMANTICS.md 2.2, RD cluster-spec.md) in
// contiguous near-equal ranges, so uniformly. Commands go to masters: Sentinel clients talk to the
// master it names (RD sentinel-clients.md) and cluster replicas serve nothing unless a client sends
// READONLY, so replicas only serve once promoted. A cache call with `hit_ratio` misses with
// probability 1 - hit_ratio; when the working set exceeds maxmemory, only the fraction that fits
// can hit (redis_hit_ratio).
//
// Failover (drills). Instances: the masters, then the replicas (replica r of master m is instance
// masters + m * replicas + r), then, in sentinel mode, the sentinels; each is placed round-robin
// over the zones by its index within that list (sentinels by their own index). A node that is
// killed or partitioned away is unreachable to the clients and to the majority alike (the clients
// are taken to be on the majority's side, so a partitioned master's own writes are not modelled).
// - Standalone: nothing fails over; every command fails until the node is restored.
// - Sentinel: models/redis/sentinel.cpp (SDOWN, ODOWN, the leader's election, the promotion).
//   Every command fails from the fault until the promotion.
// - Cluster: models/redis/cluster.cpp (PFAIL, FAIL, the replica's election, CLUSTERDOWN). Commands
//   to the dead master's slots fail until FAIL, then every command answers CLUSTERDOWN until the
//   promotion (with cluster-require-full-coverage yes).
// Replication is asynchronous: writes the dead master acknowledged within one replication lag
// before it died are lost when a replica is promoted (docs/SEMANTICS.md 2.1 last row, 2.2 "writes
// in flight can be lost").
#include <optional>
#include <vector>

#include "models/common.hpp"
#include "models/redis/cluster.hpp"
#include "models/redis/node.hpp"
#include "models/redis/params.hpp"
#include "models/redis/rules.hpp"
#include "models/redis/sentinel.hpp"

namespace capsim::models {

int RedisData::best_replica(int sh) const {
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i)
    if (nodes[i].shard == sh && i != shards[sh].master && nodes[i].up) return i;
  return -1;
}

namespace {

// What failed commands report (static strings: sim::Outcome keeps the pointer).
constexpr const char* kRedisDown = "redis down";
constexpr const char* kMasterUnreachable = "redis master unreachable";
constexpr const char* kNodeUnreachable = "redis cluster: node unreachable";
// The error text a cluster node answers with while its state is FAIL (RC src/cluster.c,
// CLUSTER_REDIR_DOWN_STATE; docs/SEMANTICS.md 2.2, redis.io .../errors/common/clusterdown/).
constexpr const char* kClusterDown = "CLUSTERDOWN The cluster is down";

class Redis final : public sim::Component {
 public:
  Redis(const config::Component& c, const RedisParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        op_cost_(spec.op_cost),
        protocol_(protocol_stream(ctx.rng)),
        // Replication is asynchronous and Redis documents no lag figure. Assumed: a write
        // reaches the replicas within one network round trip after the master acknowledged it
        // (the master feeds the replication stream as it replies to the client), at least 1 ms
        // when the topology gives no round trip.
        replication_lag_(std::max(ctx.system.network.rtt, 0.001)),
        replicated_(spec.replicas > 0 && spec.mode != "standalone"),
        data_{ctx_, spec_, protocol_, {}, {}, {}} {
    data_.promote = [this](int sh, int replica, const std::string& how) {
      promote(sh, replica, how);
    };
    int masters = std::max(1, spec.masters);
    for (int i = 0; i < masters * (1 + spec.replicas); ++i) {
      RedisNode n;
      n.shard = i < masters ? i : (i - masters) / spec.replicas;
      std::string name = i < masters ? c.name + ".master[" + std::to_string(i) + "]"
                                     : c.name + ".replica[" + std::to_string(i - masters) + "]";
      n.name = name;
      n.host = &ctx.engine.add_host(name, 1, 1);
      n.thread = std::make_unique<sim::WorkerPool>(ctx.engine, 1);
      data_.nodes.push_back(std::move(n));
    }
    for (int m = 0; m < masters; ++m) {
      RedisShard s;
      s.master = s.last_master = m;
      data_.shards.push_back(s);
    }
    if (spec.mode == "sentinel") sentinel_.emplace(data_);
    if (spec.mode == "cluster") cluster_.emplace(data_);
    if (masters > 1) {
      slot_owner_.resize(kRedisClusterSlots);
      for (int s = 0; s < kRedisClusterSlots; ++s)
        slot_owner_[s] = redis_master_for_slot(s, masters);
    }
  }

  // Every redis-server process: the masters and `replicas` replicas of each (sentinels are not
  // counted: they usually share the data nodes' machines).
  int instances() const override { return static_cast<int>(data_.nodes.size()); }
  bool instance_up(int i) const override { return data_.nodes[i].up; }

  void handle(sim::Visit v) override {
    // A key's slot is uniform over the 16384 (CRC16 of the key, RD cluster-spec.md); its master
    // owns the slot's range.
    int sh = data_.shards.size() == 1 ? 0 : slot_owner_[ctx_.rng.below(kRedisClusterSlots)];
    if (const char* refused = refusal(sh)) {
      v.done(sim::Outcome::failure(refused));
      return;
    }
    RedisNode& n = data_.nodes[data_.shards[sh].master];
    n.thread->acquire([this, &n, v = std::move(v)](sim::WorkerPool::Result) mutable {
      double cost = v.call->has_demand ? v.call->demand(ctx_.rng) : op_cost_(ctx_.rng);
      n.host->compute(cost, [this, &n, v = std::move(v)](bool ok) {
        n.thread->release();
        ++ops_;
        if (!ok) {  // the node died under the command
          v.done(sim::Outcome::failure(down_cause()));
          return;
        }
        if (replicated_ && v.call->write) acknowledged(n);
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

  // The data nodes in their current roles (the master of shard m is "master" index m; the others
  // are "replica" in node order), then the sentinels.
  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    int replica = 0;
    for (int i = 0; i < instances(); ++i) {
      const RedisNode& n = data_.nodes[static_cast<std::size_t>(i)];
      bool master = data_.shards[n.shard].master == i;
      out.push_back(
          {master ? "master" : "replica", master ? n.shard : replica++, ctx_.zone_of(i), n.up});
    }
    for (int k = 0; sentinel_ && k < sentinel_->sentinels(); ++k)
      out.push_back({"sentinel", k, ctx_.zone_of(k), sentinel_->up(k)});
    return out;
  }

  bool supports(sim::FaultKind) const override { return true; }

  void fault(int i, sim::Fault f) override {
    bool sentinel = i >= instances();
    int k = i - instances();
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        sentinel ? sentinel_->sentinel_down(k) : node_down(i);
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        sentinel ? sentinel_->sentinel_up(k) : node_up(i);
        break;
      case sim::FaultKind::slow:
        // A slow sentinel still answers within its periods: only data nodes slow down.
        if (!sentinel) data_.nodes[i].host->set_slowdown(f.factor);
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& n : data_.nodes) n.thread->reset_stats(now);
    ops_ = hits_ = misses_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double served = 0, wait = 0;
    for (const auto& n : data_.nodes) {
      r.utilisation = std::max(r.utilisation, n.thread->utilisation(now));
      r.mean_queue += n.thread->mean_queue(now);
      r.max_queue = std::max(r.max_queue, n.thread->max_queue());
      served += static_cast<double>(n.thread->granted());
      wait += n.thread->mean_wait() * static_cast<double>(n.thread->granted());
    }
    r.mean_wait = served > 0 ? wait / served : 0;
    r.throughput = ops_ / std::max(1e-9, now - ctx_.measure_from);
    if (hits_ + misses_ > 0) r.extra["hit_ratio"] = static_cast<double>(hits_) / (hits_ + misses_);
    r.extra["masters"] = data_.masters();
    r.extra["replicas"] = data_.masters() * spec_.replicas;  // all replicas, over every master
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double queue = 0;
    for (const auto& n : data_.nodes) queue += static_cast<double>(n.thread->waiting());
    out.emplace_back("queue", queue);
  }

 private:
  // Failover timers draw from their own stream, seeded without consuming the component's: a
  // drill's protocol timings do not depend on the load, and runs without faults are unchanged.
  static sim::Rng protocol_stream(sim::Rng copy) {
    return sim::Rng(copy.next() ^ 0x5e9f1d2c3b4a5968ULL);
  }

  const char* down_cause() const {
    return cluster_ ? kNodeUnreachable : sentinel_ ? kMasterUnreachable : kRedisDown;
  }

  // Why a command for shard `sh` is refused now, or nullptr when its master takes it.
  const char* refusal(int sh) const {
    const RedisShard& s = data_.shards[sh];
    if (!data_.nodes[s.master].up) {
      // A cluster client whose node does not answer asks another for the slot map; once the
      // master is FAIL and the cluster requires full coverage, that node answers CLUSTERDOWN.
      if (cluster_ && cluster_->failed(sh) && spec_.require_full_coverage) return kClusterDown;
      return down_cause();
    }
    if (cluster_ && cluster_->clusterdown(sh)) return kClusterDown;
    return nullptr;
  }

  void acknowledged(RedisNode& n) {
    double t = ctx_.engine.now();
    n.acknowledged.push_back(t);
    while (!n.acknowledged.empty() && n.acknowledged.front() < t - replication_lag_)
      n.acknowledged.pop_front();
  }

  // The outage of shard `sh` ended: detection starts afresh.
  void reset_detection(int sh) {
    if (sentinel_) sentinel_->reset(sh);
    if (cluster_) cluster_->reset(sh);
  }

  void node_down(int i) {
    RedisNode& n = data_.nodes[i];
    if (!n.up) return;
    n.up = false;
    ++n.gen;
    n.host->turn_off();
    int sh = n.shard;
    RedisShard& s = data_.shards[sh];
    if (s.master != i) {
      n.acknowledged.clear();
      return;
    }
    // Acknowledged but possibly not yet on a replica: lost if a replica takes over.
    double t = ctx_.engine.now();
    s.lost = 0;
    for (double a : n.acknowledged) s.lost += a >= t - replication_lag_;
    n.acknowledged.clear();
    s.down = true;
    if (sentinel_) {
      sentinel_->master_lost(sh);
    } else if (cluster_) {
      cluster_->master_lost(sh);
      // This master no longer pings anyone: its own PFAIL flags stop counting.
      cluster_->update_state();
    } else {
      data_.note("no failover", "standalone redis: every command fails until the node is restored");
    }
  }

  void node_up(int i) {
    RedisNode& n = data_.nodes[i];
    if (n.up) return;
    n.up = true;
    ++n.gen;
    n.host->turn_on();
    int sh = n.shard;
    RedisShard& s = data_.shards[sh];
    if (s.master == i) {
      s.down = false;
      if (cluster_ && cluster_->failed(sh)) {
        cluster_->master_back_while_failed(sh);
      } else {
        ++s.epoch;
        reset_detection(sh);
        data_.note("recovered",
                   n.name + (sentinel_  ? " is back before any failover: it is still the master "
                                          "(the sentinels clear SDOWN)"
                             : cluster_ ? " is back before it was marked FAIL: it is still the "
                                          "master (PFAIL clears at its next PONG)"
                                        : " is back: commands succeed again"));
      }
      if (cluster_) cluster_->observer_back(sh);
      return;
    }
    if (i == s.last_master && s.last_master != s.master)
      data_.note("rejoined",
                 n.name + " (the old master) rejoins as a replica of " +
                     data_.nodes[s.master].name +
                     (sentinel_ ? " (Sentinel reconfigures it with REPLICAOF)"
                                : " (the cluster's UPDATE message turns it into a replica)") +
                     "; its unreplicated writes are discarded");
    // A replica back may make a failover possible again.
    if (s.down && sentinel_) sentinel_->progress(sh);
    if (s.down && cluster_ && cluster_->failed(sh) && !cluster_->electing(sh)) cluster_->elect(sh);
  }

  // The promoted replica serves the shard; the clients move to it.
  void promote(int sh, int replica, const std::string& how) {
    RedisShard& s = data_.shards[sh];
    auto& nodes = data_.nodes;
    s.last_master = s.master;
    s.master = replica;
    s.down = false;
    ++s.epoch;
    reset_detection(sh);
    if (sentinel_) sentinel_->promoted(sh);
    nodes[replica].acknowledged.clear();
    data_.note("promoted", nodes[replica].name + " is the master now " + how);
    if (nodes[s.last_master].up)  // back meanwhile: it is told to replicate the new master
      data_.note("rejoined", nodes[s.last_master].name + " steps down to a replica of " +
                                 nodes[replica].name + "; its unreplicated writes are discarded");
    if (replicated_) {
      ctx_.timeline->lost_writes(s.lost, replication_lag_);
      data_.note("writes lost", std::to_string(s.lost) + " writes " + nodes[s.last_master].name +
                                    " acknowledged within the replication lag (" +
                                    fmt_seconds(replication_lag_) +
                                    ", assumed one round trip) never reached a replica");
    }
    s.lost = 0;
    data_.note("clients reconnected",
               sentinel_ ? "Sentinel kills the clients' connections (CLIENT KILL TYPE normal); "
                           "they ask it for the master again and reconnect to " +
                               nodes[replica].name
                         : "clients follow the MOVED redirection to " + nodes[replica].name +
                               " and refresh their slot map");
    if (cluster_) cluster_->update_state();
  }

  sim::ModelContext ctx_;
  RedisParams spec_;
  sim::Sampler op_cost_;
  sim::Rng protocol_;
  double replication_lag_;
  bool replicated_;  // a mode with replicas that can take over
  RedisData data_;
  std::optional<SentinelFailover> sentinel_;
  std::optional<ClusterFailover> cluster_;
  std::vector<int> slot_owner_;  // cluster: the shard owning each slot
  std::uint64_t ops_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_redis(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Redis>(c, c.as<RedisParams>(), ctx);
}

}  // namespace capsim::models
