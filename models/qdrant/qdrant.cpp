// qdrant: `nodes` machines holding `shards` shards (default: one per node, docs/SEMANTICS.md 2.7,
// distributed_deployment.md) with `replication_factor` copies each (default 1), placed as Qdrant's
// ShardDistributionProposal does (qdrant_placement). A search fans out to every shard, one replica
// each (spread over the replicas in turn; by default reads hit one replica per shard,
// docs/SEMANTICS.md 2.7, consistency-guarantees.md), and answers when the slowest shard has ("a
// search request sent to any single node automatically fans out to the rest of the cluster",
// horizontal-scaling.md). Each shard's cost is drawn on its own from the call's `time` (the shards
// hold different points); with `points` given, it grows with the points per shard
// (qdrant_shard_cost: logarithmically, as HNSW search does). A write (op "upsert"/"delete") goes to
// every active replica of one shard in parallel ("No primary replica by default: writes run in
// parallel on all active replicas", horizontal-scaling.md) and answers after
// `write_consistency_factor` acks (default 1); it fails at once if fewer replicas than that are
// active ("writes fail if active replicas < WCF", consistency-guarantees.md). Writes are not scaled
// by the shard size: an upsert is acknowledged once in the WAL and an appendable segment, and the
// HNSW index is built later by the optimizer.
//
// Drills (docs/SEMANTICS.md 2.7, resilience.md). A dead node's shard replicas are dead: each
// shard's searches go to its live replicas only, so with replication_factor >= 2 searches continue
// on the survivors ("≥3 nodes with RF≥2, all requests continue"), which take the dead node's share;
// a shard search running on the node when it dies is tried again on another live replica of that
// shard. With factor 1 (or every replica of a shard dead) a search, which fans out to every shard,
// fails ("shard unavailable"); writes fail when fewer than write_consistency_factor replicas of
// their shard are live. "Self-hosted Qdrant does not fail over automatically": a node stays down
// until restored, and its replicas then serve at once (the shard transfer that brings them up to
// date, stream_records by default, is not modelled). A partitioned node is as good as dead to the
// rest: peers mark its replicas dead. `slow` slows a node's CPU work.
#include <functional>
#include <vector>

#include "models/common.hpp"
#include "models/qdrant/params.hpp"
#include "models/qdrant/rules.hpp"

namespace capsim::models {
namespace {

class Qdrant final : public sim::Component {
 public:
  Qdrant(const config::Component& c, const QdrantParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx), spec_(spec) {
    int vcpus = c.vcpus > 0 ? c.vcpus : 2;
    for (int i = 0; i < spec.nodes; ++i)
      nodes_.push_back(
          &ctx.engine.add_host(c.name + ".node[" + std::to_string(i) + "]", vcpus, 1 << 30));
    int shards = spec.shards > 0 ? spec.shards : spec.nodes;
    placement_ = qdrant_placement(spec.nodes, shards, spec.replication_factor);
    turn_.assign(placement_.size(), 0);
    // Points are spread evenly over the shards (Qdrant hashes point ids to shards).
    if (spec.points && !placement_.empty())
      points_per_shard_ = *spec.points / static_cast<long long>(placement_.size());
  }

  int instances() const override { return static_cast<int>(nodes_.size()); }
  bool instance_up(int i) const override { return nodes_[i]->up(); }

  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    for (int i = 0; i < instances(); ++i)
      out.push_back({"node", i, ctx_.zone_of(i), nodes_[i]->up()});
    return out;
  }
  bool supports(sim::FaultKind) const override { return true; }
  void fault(int i, sim::Fault f) override {
    sim::Host& node = *nodes_[i];
    const std::string label = ctx_.name() + ".node[" + std::to_string(i) + "]";
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        if (!node.up()) return;
        node.turn_off();
        ctx_.timeline->note(ctx_.name(), "node down", label + " " + describe_shards());
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        if (node.up()) return;
        node.turn_on();
        ctx_.timeline->note(ctx_.name(), "node back", label + " " + describe_shards(true));
        break;
      case sim::FaultKind::slow:
        node.set_slowdown(f.factor);
        break;
    }
  }

  void handle(sim::Visit v) override {
    if (v.call->write) {
      write(std::move(v));
      return;
    }
    ++searches_;
    struct Join {
      std::size_t pending;
      sim::Outcome result;
      sim::Continuation done;
    };
    auto join = std::make_shared<Join>(Join{placement_.size(), {}, std::move(v.done)});
    for (std::size_t s = 0; s < placement_.size(); ++s) {
      auto shard_done = [join](bool ok) {
        if (!ok && join->result.ok) join->result = sim::Outcome::failure("shard unavailable");
        if (--join->pending == 0) join->done(join->result);
      };
      search_shard(s, qdrant_shard_cost(demand(*v.call), points_per_shard_),
                   static_cast<int>(placement_[s].size()), shard_done);
    }
  }

  void reset_stats(double now) override {
    (void)now;
    searches_ = writes_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      double u = nodes_[i]->utilisation(now);
      r.utilisation = std::max(r.utilisation, u);
      r.extra["node" + std::to_string(i) + "_cpu"] = u;
    }
    r.throughput = (searches_ + writes_) / std::max(1e-9, now - ctx_.measure_from);
    r.extra["shards"] = static_cast<double>(placement_.size());
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double running = 0;
    for (auto* n : nodes_) running += n->running();
    out.emplace_back("running_shard_searches", running);
  }

 private:
  // The call's `time`, or 1 ms when it gives none (assumed).
  double demand(const sim::CallPlan& call) {
    return call.has_demand ? call.demand(ctx_.rng) : 0.001;
  }

  // One shard's part of a search on a live replica; if that replica's node dies under it, on
  // another (at most once per replica).
  void search_shard(std::size_t shard, double cost, int tries, std::function<void(bool)> done) {
    int node = pick_live_replica(shard);
    if (node < 0 || tries <= 0) {
      done(false);
      return;
    }
    nodes_[node]->compute(cost,
                          [this, shard, cost, tries, done = std::move(done)](bool ok) mutable {
                            if (ok)
                              done(true);
                            else
                              search_shard(shard, cost, tries - 1, std::move(done));
                          });
  }

  // What the live replicas allow now: "every shard has a live replica", or how many shards have
  // none (and what that costs). `back`: said of a node that rejoins.
  std::string describe_shards(bool back = false) const {
    int dead = 0, short_of_writes = 0;
    for (const auto& replicas : placement_) {
      int live = 0;
      for (int node : replicas) live += nodes_[node]->up();
      dead += live == 0;
      short_of_writes += live < spec_.write_consistency_factor;
    }
    std::string out;
    if (dead == 0)
      out = back
                ? "(rejoins, its replicas serving at once: the shard transfer that catches them up "
                  "is not modelled; every shard has a live replica"
                : "(every shard has a live replica: searches continue on the survivors";
    else
      out = "(" + std::to_string(dead) + " of " + std::to_string(placement_.size()) +
            " shards have no live replica: every search fails until a node is restored";
    if (short_of_writes > dead)
      out += "; writes to " + std::to_string(short_of_writes) +
             " shards fail: fewer live replicas than write_consistency_factor";
    return out + ")";
  }

  int pick_live_replica(std::size_t shard) {
    const auto& replicas = placement_[shard];
    for (std::size_t k = 0; k < replicas.size(); ++k) {
      int node = replicas[(turn_[shard] + k) % replicas.size()];
      if (nodes_[node]->up()) {
        turn_[shard] = (turn_[shard] + k + 1) % replicas.size();
        return node;
      }
    }
    return -1;
  }

  void write(sim::Visit v) {
    ++writes_;
    std::size_t shard = ctx_.rng.below(placement_.size());
    int active = 0;
    for (int node : placement_[shard]) active += nodes_[node]->up();
    if (active < spec_.write_consistency_factor) {
      v.done(sim::Outcome::failure("write consistency not met"));
      return;
    }
    struct Acks {
      int needed, pending;
      bool answered = false;
      sim::Continuation done;
    };
    auto acks = std::make_shared<Acks>(
        Acks{spec_.write_consistency_factor, active, false, std::move(v.done)});
    for (int node : placement_[shard]) {
      if (!nodes_[node]->up()) continue;
      // Each replica applies the write on its own machine: its own draw of the call's time.
      nodes_[node]->compute(demand(*v.call), [acks](bool ok) {
        --acks->pending;
        if (ok) --acks->needed;
        if (acks->answered) return;
        if (acks->needed <= 0) {
          acks->answered = true;
          acks->done(sim::Outcome{});
        } else if (acks->pending < acks->needed) {
          // Too few replicas left to reach the factor: failed replicas are marked dead.
          acks->answered = true;
          acks->done(sim::Outcome::failure("write consistency not met"));
        }
      });
    }
  }

  sim::ModelContext ctx_;
  QdrantParams spec_;
  std::vector<sim::Host*> nodes_;
  std::vector<std::vector<int>> placement_;
  std::vector<std::size_t> turn_;
  long long points_per_shard_ = -1;  // unknown: the call's time is used as it is
  std::uint64_t searches_ = 0, writes_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_qdrant(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Qdrant>(c, c.as<QdrantParams>(), ctx);
}

}  // namespace capsim::models
