// postgres: a primary and `read_replicas` streaming replicas, each a machine whose CPUs are
// processor-shared by the queries running on it. Writes go to the primary; reads to the replicas in
// turn (or the primary when there are none, or `reads` is "primary"). Each node accepts at most
// `max_connections` concurrent queries (postgresql.conf.sample: 100); beyond that a connection is
// refused ("too many clients already").
//
// Replication (SEMANTICS.md 2.4, postgres high-availability.sgml): streaming replication is
// asynchronous by default and then costs the write path nothing. With `replication: "sync"`
// (a non-empty synchronous_standby_names, synchronous_commit on) every write commit waits for one
// primary<->standby round trip before it answers, holding its connection (the backend waits in
// commit); read-only transactions do not wait. Commits "will wait until the sync standby responds.
// The response may never occur if the last, or only, standby should crash": for now a write with
// no standby up fails with "no sync standby" instead of blocking (drills will model the block).
#include <vector>

#include "models/common.hpp"
#include "models/decisions.hpp"

namespace capsim::models {
namespace {

class Postgres final : public sim::Component {
 public:
  Postgres(const config::Component& c, const config::PostgresSpec& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        sync_(spec.replication == "sync"),
        sync_wait_(postgres_sync_commit_wait(ctx.topology.network.rtt)) {
    int vcpus = c.vcpus > 0 ? c.vcpus : 2;
    for (int i = 0; i <= spec.read_replicas; ++i) {
      std::string name = c.name + (i == 0 ? ".primary" : ".replica[" + std::to_string(i - 1) + "]");
      nodes_.push_back(
          Node{&ctx.engine.add_host(name, vcpus, spec.max_connections),
               std::make_unique<sim::WorkerPool>(ctx.engine, spec.max_connections, 0)});
    }
  }

  int instances() const override { return static_cast<int>(nodes_.size()); }

  void handle(sim::Visit v) override {
    int node = 0;
    if (!v.call->write && spec_.reads == "replicas" && nodes_.size() > 1) {
      node = 1 + next_replica_;
      next_replica_ = (next_replica_ + 1) % (static_cast<int>(nodes_.size()) - 1);
    }
    serve(nodes_[node], std::move(v));
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
      r.extra[i == 0 ? "primary_cpu" : "replica" + std::to_string(i - 1) + "_cpu"] = u;
      r.extra[i == 0 ? "primary_connections" : "replica" + std::to_string(i - 1) + "_connections"] =
          n.connections->mean_busy(now);
    }
    r.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    for (const Node& n : nodes_) r.turned_away += n.connections->rejected();
    r.extra["refused_connections"] = r.turned_away;
    if (sync_) r.extra["no_sync_standby"] = static_cast<double>(no_standby_);
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    out.emplace_back("primary_connections", nodes_[0].connections->busy());
    out.emplace_back("primary_running", nodes_[0].host->running());
  }

 private:
  struct Node {
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> connections;
  };

  void serve(Node& n, sim::Visit v) {
    if (!n.host->up()) {
      v.done(sim::Outcome::failure("database down"));
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
        v.done(ok ? sim::Outcome{} : sim::Outcome::failure("database down"));
      };
      if (demand > 0)
        n.host->compute(demand, std::move(finish));
      else
        finish(true);
    });
  }

  // A write's commit under synchronous replication: one round trip to the sync standby (any
  // standby that is up: synchronous_standby_names '*'), the connection held meanwhile.
  void commit_sync(Node& n, sim::Visit v) {
    bool standby_up = false;
    for (std::size_t i = 1; i < nodes_.size(); ++i) standby_up = standby_up || nodes_[i].host->up();
    if (!standby_up) {
      ++no_standby_;
      n.connections->release();
      v.done(sim::Outcome::failure("no sync standby"));
      return;
    }
    ctx_.engine.after(sync_wait_, [this, &n, v = std::move(v)] {
      n.connections->release();
      v.done(n.host->up() ? sim::Outcome{} : sim::Outcome::failure("database down"));
    });
  }

  sim::ModelContext ctx_;
  config::PostgresSpec spec_;
  std::deque<Node> nodes_;
  int next_replica_ = 0;
  bool sync_;
  double sync_wait_;  // one primary<->standby round trip
  std::uint64_t no_standby_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_postgres(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Postgres>(c, std::get<config::PostgresSpec>(c.spec), ctx);
}

}  // namespace capsim::models
