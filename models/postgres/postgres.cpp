// postgres: a primary and `read_replicas` streaming replicas, each a machine whose CPUs are
// processor-shared by the queries running on it. Writes go to the primary; reads to the replicas
// that are up, in turn (or the primary when there are none, or `reads` is "primary"). Each node
// accepts at most `max_connections` concurrent queries (postgresql.conf.sample: 100); beyond that
// a connection is refused ("too many clients already").
//
// Replication (docs/SEMANTICS.md 2.4, postgres high-availability.sgml): streaming replication is
// asynchronous by default and then costs the write path nothing, but "the amount of data loss is
// proportional to the replication delay at the time of failover": a primary that dies loses the
// writes it acknowledged within the replication lag (sampled from `replication_lag`). With
// `replication: "sync"` (a non-empty synchronous_standby_names, synchronous_commit on) every write
// commit waits for one primary<->standby round trip, holding its connection; read-only
// transactions do not wait. Commits "will wait until the sync standby responds. The response may
// never occur if the last, or only, standby should crash": such writes block until a standby is
// back (their clients time out meanwhile), and nothing acknowledged is lost.
//
// Failover (docs/SEMANTICS.md 2.5, patroni docs/dynamic_configuration.rst). PostgreSQL detects
// nothing itself. With `failover.manager: "patroni"` the primary's Patroni renews the leader lock
// every `loop_wait` (10 s) for `ttl` (30 s); when the primary's node dies the lock expires `ttl`
// after its last renewal, the first replica whose HA loop (every `loop_wait`, its own phase) runs
// after that takes the lock and promotes itself. Promotion itself is taken as 1 s (pg_ctl promote
// plus the first checkpoint; assumed, Patroni gives no figure). With "manual" the primary stays
// down until a scenario restores it. A node that comes back rejoins as a replica (pg_rewind), and a
// partitioned primary is as good as dead to the clients on the other side: Patroni there cannot
// renew the lock, and demotes it.
#include <cmath>
#include <deque>
#include <vector>

#include "models/common.hpp"
#include "models/postgres/params.hpp"
#include "models/postgres/rules.hpp"

namespace capsim::models {
namespace {

constexpr double kPromoteSeconds = 1.0;  // assumed: pg_ctl promote + end-of-recovery checkpoint

class Postgres final : public sim::Component {
 public:
  Postgres(const config::Component& c, const PostgresParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        lag_(spec.replication_lag),
        sync_(spec.replication == "sync"),
        sync_wait_(postgres_sync_commit_wait(ctx.system.network.rtt)) {
    int vcpus = c.vcpus > 0 ? c.vcpus : 2;
    for (int i = 0; i <= spec.read_replicas; ++i) {
      std::string name = c.name + "[" + std::to_string(i) + "]";
      nodes_.push_back(Node{&ctx.engine.add_host(name, vcpus, spec.max_connections),
                            std::make_unique<sim::WorkerPool>(ctx.engine, spec.max_connections, 0),
                            ctx_.rng.uniform() * spec.failover.loop_wait,
                            true,
                            {}});
    }
    lock_phase_ = nodes_[0].loop_phase;
  }

  int instances() const override { return static_cast<int>(nodes_.size()); }
  bool instance_up(int i) const override { return nodes_[i].up; }

  void handle(sim::Visit v) override {
    if (!v.call->write && spec_.reads == "replicas") {
      int n = static_cast<int>(nodes_.size());
      for (int tries = 0; tries < n; ++tries) {
        int i = next_replica_ % n;
        next_replica_ = (i + 1) % n;
        if (i != primary_ && nodes_[i].up) {
          serve(nodes_[i], std::move(v));
          return;
        }
      }
    }
    if (primary_ < 0) {
      v.done(sim::Outcome::failure(kDatabaseDown));
      return;
    }
    serve(nodes_[primary_], std::move(v));
  }

  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    int replica = 0;
    for (int i = 0; i < instances(); ++i)
      out.push_back({i == primary_ || (primary_ < 0 && i == last_primary_) ? "primary" : "replica",
                     i == primary_ || (primary_ < 0 && i == last_primary_) ? 0 : replica++,
                     ctx_.zone_of(i), nodes_[i].up});
    return out;
  }
  bool supports(sim::FaultKind) const override { return true; }
  void fault(int i, sim::Fault f) override {
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        node_down(i, f.kind == sim::FaultKind::partition);
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        node_up(i);
        break;
      case sim::FaultKind::slow:
        nodes_[i].host->set_slowdown(f.factor);
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& n : nodes_) n.connections->reset_stats(now);
    no_standby_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double served = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      double u = n.host->utilisation(now);
      r.utilisation = std::max(r.utilisation, u);
      served += n.connections->granted();
      // Named by the role each node started in (node 0 the primary).
      r.extra[i == 0 ? "primary_cpu" : "replica" + std::to_string(i - 1) + "_cpu"] = u;
      r.extra[i == 0 ? "primary_connections" : "replica" + std::to_string(i - 1) + "_connections"] =
          n.connections->mean_busy(now);
    }
    r.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    for (const Node& n : nodes_) r.turned_away += n.connections->rejected();
    r.extra["refused_connections"] = r.turned_away;
    if (sync_) r.extra["blocked_commits"] = static_cast<double>(no_standby_);
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    const Node* p = primary_ >= 0 ? &nodes_[primary_] : nullptr;
    out.emplace_back("primary_connections", p ? p->connections->busy() : 0);
    out.emplace_back("primary_running", p ? p->host->running() : 0);
  }

 private:
  struct Node {
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> connections;
    double loop_phase;  // Patroni's HA loop on this node runs at loop_phase + k * loop_wait
    bool up = true;
    std::deque<double> acknowledged;  // recent write commits (primary), for the loss window
  };

  void serve(Node& n, sim::Visit v) {
    if (!n.host->up()) {
      v.done(sim::Outcome::failure(kDatabaseDown));
      return;
    }
    n.connections->acquire([this, &n, v = std::move(v)](sim::WorkerPool::Result r) mutable {
      if (r != sim::WorkerPool::Result::Granted) {
        v.done(sim::Outcome::failure("too many connections"));
        return;
      }
      double demand = v.call->has_demand ? v.call->demand(ctx_.rng) : 0;
      auto finish = [this, &n, v = std::move(v)](bool ok) mutable {
        if (ok && sync_ && v.call->write) {
          commit_sync(n, std::move(v));
          return;
        }
        n.connections->release();
        if (ok && v.call->write) acknowledged(n);
        v.done(ok ? sim::Outcome{} : sim::Outcome::failure(kDatabaseDown));
      };
      if (demand > 0)
        n.host->compute(demand, std::move(finish));
      else
        finish(true);
    });
  }

  void acknowledged(Node& n) {
    double now = ctx_.engine.now();
    n.acknowledged.push_back(now);
    while (!n.acknowledged.empty() && n.acknowledged.front() < now - kLossHorizon)
      n.acknowledged.pop_front();
  }

  bool standby_up() const {
    for (int i = 0; i < instances(); ++i)
      if (i != primary_ && nodes_[i].up) return true;
    return false;
  }

  // A write's commit under synchronous replication: one round trip to the sync standby (any
  // standby that is up: synchronous_standby_names '*'), the connection held meanwhile; with no
  // standby up, the commit waits for one to come back.
  void commit_sync(Node& n, sim::Visit v) {
    if (!standby_up()) {
      ++no_standby_;
      blocked_.push_back({&n, std::move(v)});
      return;
    }
    ctx_.engine.after(sync_wait_, [this, &n, v = std::move(v)] {
      n.connections->release();
      v.done(n.up ? sim::Outcome{} : sim::Outcome::failure(kDatabaseDown));
    });
  }

  void node_down(int i, bool partitioned) {
    Node& n = nodes_[i];
    if (!n.up) return;
    n.up = false;
    n.host->turn_off();
    if (i != primary_) return;
    last_primary_ = i;
    primary_ = -1;
    ++epoch_;
    const std::string name = ctx_.name();
    if (!sync_) {
      // Acknowledged but not yet streamed to the replicas: lost with the node (async).
      double lag = lag_(ctx_.rng);
      double now = ctx_.engine.now();
      std::uint64_t lost = 0;
      for (double t : n.acknowledged) lost += t > now - lag;
      ctx_.timeline->lost_writes(lost, lag);
      ctx_.timeline->note(name, "writes lost",
                          std::to_string(lost) +
                              " acknowledged writes within the replication lag (" +
                              fmt_seconds(lag) + ") never reached a replica");
    }
    n.acknowledged.clear();
    for (auto& b : blocked_) b.second.done(sim::Outcome::failure(kDatabaseDown));
    blocked_.clear();
    if (spec_.failover.manager != "patroni") {
      ctx_.timeline->note(name, "no failover",
                          "no failover manager: writes fail until the primary is restored");
      return;
    }
    // The lock was last renewed by the primary's HA loop; it expires ttl later.
    const auto& p = spec_.failover;
    double now = ctx_.engine.now();
    double last_renewal = lock_phase_ + std::floor((now - lock_phase_) / p.loop_wait) * p.loop_wait;
    double expiry = std::max(now, last_renewal + p.ttl);
    unsigned epoch = epoch_;
    ctx_.engine.at(expiry, [this, epoch, expiry, partitioned] {
      if (epoch != epoch_) return;
      ctx_.timeline->note(ctx_.name(), "detected",
                          std::string("leader lock expired (ttl ") +
                              fmt_seconds(spec_.failover.ttl) + " after the last renewal" +
                              (partitioned ? "; the partitioned primary demotes itself)" : ")"));
      elect(expiry);
    });
  }

  // The first replica whose HA loop runs after the lock expired takes it and promotes itself.
  void elect(double expiry) {
    const auto& p = spec_.failover;
    int best = -1;
    double best_at = 0;
    for (int i = 0; i < instances(); ++i) {
      if (!nodes_[i].up) continue;
      double phase = nodes_[i].loop_phase;
      double at = phase + std::ceil((expiry - phase) / p.loop_wait) * p.loop_wait;
      if (best < 0 || at < best_at) best = i, best_at = at;
    }
    if (best < 0) {
      ctx_.timeline->note(ctx_.name(), "no failover", "no replica is up to take the leader lock");
      return;
    }
    unsigned epoch = epoch_;
    ctx_.engine.at(best_at, [this, epoch, best] {
      if (epoch != epoch_ || !nodes_[best].up) return;
      ctx_.timeline->note(ctx_.name(), "elected",
                          ctx_.name() + "[" + std::to_string(best) +
                              "] takes the leader lock in its HA loop and promotes itself");
      ctx_.engine.after(kPromoteSeconds, [this, epoch, best] {
        if (epoch != epoch_ || !nodes_[best].up) return;
        primary_ = best;
        lock_phase_ = std::fmod(ctx_.engine.now(), spec_.failover.loop_wait);
        nodes_[best].loop_phase = lock_phase_;
        ctx_.timeline->note(ctx_.name(), "promoted",
                            ctx_.name() + "[" + std::to_string(best) + "] is the new primary");
      });
    });
  }

  void node_up(int i) {
    Node& n = nodes_[i];
    if (n.up) return;
    n.up = true;
    n.host->turn_on();
    if (primary_ < 0 && i == last_primary_) {
      // Back before anyone took over: it is still the leader.
      primary_ = i;
      ++epoch_;
      ctx_.timeline->note(ctx_.name(), "recovered", "the primary is back");
    } else {
      ctx_.timeline->note(ctx_.name(), "rejoined",
                          ctx_.name() + "[" + std::to_string(i) + "] rejoins as a replica");
    }
    // Commits waiting for a sync standby go through now.
    if (sync_ && primary_ >= 0 && standby_up()) {
      auto blocked = std::move(blocked_);
      blocked_.clear();
      for (auto& [node, v] : blocked)
        ctx_.engine.after(sync_wait_, [this, node = node, v = std::move(v)] {
          node->connections->release();
          v.done(node->up ? sim::Outcome{} : sim::Outcome::failure(kDatabaseDown));
        });
    }
  }

  static constexpr double kLossHorizon = 60;  // how far back acknowledged writes are remembered

  sim::ModelContext ctx_;
  PostgresParams spec_;
  sim::Sampler lag_;
  std::deque<Node> nodes_;
  int primary_ = 0, last_primary_ = 0;
  unsigned epoch_ = 0;  // bumped on every change of leadership; stale timers check it
  double lock_phase_ = 0;
  int next_replica_ = 1;
  bool sync_;
  double sync_wait_;  // one primary<->standby round trip
  std::uint64_t no_standby_ = 0;
  std::vector<std::pair<Node*, sim::Visit>> blocked_;  // sync commits waiting for a standby
};

}  // namespace

std::unique_ptr<sim::Component> make_postgres(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Postgres>(c, c.as<PostgresParams>(), ctx);
}

}  // namespace capsim::models
