// qdrant: a collection sharded and replicated over a cluster of nodes (models/qdrant/qdrant.cpp),
// registered as a kind.
#include "models/kind.hpp"

#include <fmt/format.h>

#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/qdrant/params.hpp"
#include "models/qdrant/rules.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_qdrant(const config::Component&, sim::ModelContext&);

namespace {

const QdrantParams& params(const config::Component& c) {
  return c.as<QdrantParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "qdrant";
  k.keys = {"nodes", "shards", "replication_factor", "write_consistency_factor", "points"};
  k.roles = {"node"};
  k.read = read_qdrant_params;
  k.address = [](const config::Component& c, const std::string& role, bool) -> config::Address {
    if (role.empty() || role == "node") return {params(c).nodes, ""};
    return config::wrong_role(c, role, {"node"});
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  // A write goes to every replica of its shard; a search fans out to one replica of every shard,
  // each costing more the more points its shard holds (qdrant_shard_cost).
  a.visit = [](AnalyticVisit& v) {
    const auto& s = params(v.topology.components[v.component]);
    int shards = s.shards > 0 ? s.shards : s.nodes;
    if (v.write) {
      v.d.cpu[v.component] += v.p * v.demand * s.replication_factor;
      v.own += v.demand;
    } else {
      long long per_shard = s.points ? *s.points / std::max(1, shards) : -1;
      double cost = qdrant_shard_cost(v.demand, per_shard);
      v.d.cpu[v.component] += v.p * cost * shards;
      v.own += cost;
    }
  };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    // Only nodes holding a shard replica work: shards are fixed when the collection is created
    // (distributed_deployment.md), so nodes beyond shards x factor stand idle.
    int v = vcpus_of(c, 2);
    int shards = s.shards > 0 ? s.shards : s.nodes;
    int working = std::min(s.nodes, shards * s.replication_factor);
    stateless_tier(tp, c, working, v, load.cpu, "CPU");
    // A dead node's shard replicas leave their peers alone with those shards' searches: with
    // factor f a peer takes f / (f - 1) times its load, which for one replica per node (factor 2)
    // doubles it, more than spreading over n - 1 survivors would.
    if (s.replication_factor >= 2 && working > 1) {
      double spread = static_cast<double>(working) / (working - 1);
      double peer = static_cast<double>(s.replication_factor) / (s.replication_factor - 1);
      double after = tp.utilisation * std::max(spread, peer);
      tp.survives_loss = after < kFailureCeiling;
      tp.loss_note = fmt::format("{:.0f}% on the peers of the lost node's shards", 100 * after);
    }
    if (s.replication_factor < 2) {
      tp.survives_loss = false;
      tp.loss_note = "replication_factor 1: a node's shards have no other replica";
    }
  };
  return a;
}

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) { return params(c).nodes; };
  p.noun = [](const Choice&) { return "nodes"; };
  p.apply = [](config::Component& c, const Choice& ch) {
    QdrantParams& s = edit<QdrantParams>(c);
    if (s.shards == 0) s.shards = s.nodes;  // fixed when the collection was created
    s.nodes = ch.count;
  };
  return p;
}

}  // namespace

Kind qdrant_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_qdrant;
  k.instances = count_of(&QdrantParams::nodes);
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    const auto& s = params(c);
    if (s.nodes <= 1) return Spof{"1 instance"};
    if (s.replication_factor <= 1)
      return Spof{std::to_string(s.nodes) +
                      " nodes, replication_factor 1: each node holds the only copy of its shards",
                  "losing any node"};
    return std::nullopt;
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"node", 0});
  };
  k.loss.every_period = true;  // the surviving replicas of the lost node's shards
  k.loss.more_instances_help = true;
  return k;
}

}  // namespace capsim::models
