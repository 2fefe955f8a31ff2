// qdrant: `nodes` machines holding `shards` shards with `replication_factor` copies each, placed
// round-robin. A search fans out to every shard, one replica each (spread over the replicas in
// turn), and answers when the slowest shard has ("a search request sent to any single node
// automatically fans out", horizontal-scaling.md). A write (op "upsert"/"delete") goes to every
// replica of one shard and answers after `write_consistency_factor` of them (default 1).
#include <vector>

#include "models/common.hpp"

namespace capsim::models {
namespace {

class Qdrant final : public sim::Component {
 public:
  Qdrant(const config::Component& c, const config::QdrantSpec& spec, sim::ModelContext& ctx)
      : ctx_(ctx), spec_(spec) {
    int vcpus = c.vcpus > 0 ? c.vcpus : 2;
    for (int i = 0; i < spec.nodes; ++i)
      nodes_.push_back(
          &ctx.engine.add_host(c.name + ".node[" + std::to_string(i) + "]", vcpus, 1 << 30));
    int shards = spec.shards > 0 ? spec.shards : spec.nodes;
    placement_.resize(shards);
    for (int s = 0; s < shards; ++s)
      for (int r = 0; r < spec.replication_factor; ++r)
        placement_[s].push_back((s + r) % spec.nodes);
    turn_.assign(shards, 0);
  }

  int instances() const override { return static_cast<int>(nodes_.size()); }

  void handle(sim::Visit v) override {
    double demand = v.call->has_demand ? v.call->demand(ctx_.rng) : 0.001;
    if (v.call->write) {
      write(std::move(v), demand);
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
      int node = pick_live_replica(s);
      auto shard_done = [join](bool ok) {
        if (!ok && join->result.ok) join->result = sim::Outcome::failure("shard unavailable");
        if (--join->pending == 0) join->done(join->result);
      };
      if (node < 0)
        shard_done(false);
      else
        nodes_[node]->compute(demand, shard_done);
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
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double running = 0;
    for (auto* n : nodes_) running += n->running();
    out.emplace_back("running_shard_searches", running);
  }

 private:
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

  void write(sim::Visit v, double demand) {
    ++writes_;
    std::size_t shard = ctx_.rng.below(placement_.size());
    struct Acks {
      int needed, pending;
      bool answered = false;
      sim::Continuation done;
    };
    int replicas = static_cast<int>(placement_[shard].size());
    auto acks = std::make_shared<Acks>(
        Acks{spec_.write_consistency_factor, replicas, false, std::move(v.done)});
    for (int node : placement_[shard]) {
      nodes_[node]->compute(demand, [acks](bool ok) {
        --acks->pending;
        if (ok) --acks->needed;
        if (acks->answered) return;
        if (acks->needed <= 0) {
          acks->answered = true;
          acks->done(sim::Outcome{});
        } else if (acks->pending == 0) {
          acks->answered = true;
          acks->done(sim::Outcome::failure("write consistency not met"));
        }
      });
    }
  }

  sim::ModelContext ctx_;
  config::QdrantSpec spec_;
  std::vector<sim::Host*> nodes_;
  std::vector<std::vector<int>> placement_;
  std::vector<std::size_t> turn_;
  std::uint64_t searches_ = 0, writes_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_qdrant(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Qdrant>(c, std::get<config::QdrantSpec>(c.spec), ctx);
}

}  // namespace capsim::models
