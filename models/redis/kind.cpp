// redis: standalone, Sentinel or Cluster (models/redis/), registered as a kind.
#include "models/kind.hpp"

#include <fmt/format.h>

#include "models/common.hpp"
#include "models/redis/params.hpp"
#include "models/redis/rules.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_redis(const config::Component&, sim::ModelContext&);

namespace {

const RedisParams& params(const config::Component& c) {
  return c.as<RedisParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "redis";
  k.keys = {"mode",
            "masters",
            "replicas",
            "sentinels",
            "quorum",
            "down_after",
            "failover_timeout",
            "node_timeout",
            "require_full_coverage",
            "op_cost",
            "maxmemory",
            "working_set"};
  k.roles = {"master", "replica", "sentinel"};
  k.modes = {"standalone", "sentinel", "cluster"};
  k.calls.hit_ratio = true;
  k.read = read_redis_params;
  k.address = [](const config::Component& c, const std::string& role,
                 bool indexed) -> config::Address {
    const auto& s = params(c);
    std::vector<std::string> roles = {"master", "replica"};
    if (s.mode == "sentinel") roles.push_back("sentinel");
    if (role == "master") return {s.masters, ""};
    if (role == "replica") return {s.masters * s.replicas, ""};
    if (role == "sentinel" && s.mode == "sentinel") return {s.sentinels, ""};
    if (role.empty() && indexed) return config::ambiguous_index(c, {"master[i]", "replica[i]"});
    if (role.empty()) return {1, ""};
    return config::wrong_role(c, role, roles);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  // One command on the master's single thread; a cache whose working set does not fit in
  // maxmemory hits less (redis_hit_ratio).
  a.visit = [](AnalyticVisit& v) {
    const auto& s = params(v.topology.components[v.component]);
    double cost = v.call.demand ? v.demand : s.op_cost.mean;
    v.d.cpu[v.component] += v.p * cost;
    v.own += cost;
    if (v.call.hit_ratio) v.hit = redis_hit_ratio(*v.call.hit_ratio, s.maxmemory, s.working_set);
  };
  a.command_cost = [](const config::Component& c) { return params(c).op_cost.mean; };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    int i = load.component;
    int threads = s.mode == "cluster" ? s.masters : 1;
    tp.utilisation = load.cpu / threads;
    tp.resource = "command thread";
    if (load.visits > 0)
      tp.wait = erlang_wait(load.visits / threads, load.d.cpu[i] / load.d.visits[i], 1);
    if (s.mode == "standalone" || s.replicas == 0) {
      tp.survives_loss = false;
      tp.loss_note = "no replica to promote: the master is a single point of failure";
    } else if (s.mode == "sentinel" && s.sentinels < 3) {
      tp.survives_loss = false;
      tp.loss_note = "fewer than 3 sentinels: losing one leaves no majority to elect";
    } else {
      tp.loss_note = "a replica is promoted";
    }
  };
  return a;
}

// Replicas per master a choice runs with: a cluster keeps its own count (at least one, to fail
// over to).
int replicas_per_master(const RedisParams& s) {
  return s.mode == "cluster" ? s.replicas : std::max(1, s.replicas);
}

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) {
    const auto& s = params(c);
    return s.mode == "cluster" ? s.masters : s.replicas;
  };
  p.mode = [](const config::Component& c) { return params(c).mode; };
  p.noun = [](const Choice& ch) { return ch.mode == "cluster" ? "masters" : "replicas"; };
  p.apply = [](config::Component& c, const Choice& ch) {
    RedisParams& s = edit<RedisParams>(c);
    if (ch.mode != s.mode) {
      s.mode = ch.mode;
      if (ch.mode == "standalone") s.replicas = 0, s.masters = 1;
      if (ch.mode == "cluster") s.replicas = std::max(1, s.replicas);
    }
    if (s.mode == "cluster")
      s.masters = ch.count;
    else if (s.mode == "sentinel")
      s.replicas = ch.count, s.masters = 1;
  };
  // Sentinels share the data nodes' machines.
  p.billed = [](const config::Component& c, const Choice& ch) {
    if (ch.mode == "standalone") return 1;
    if (ch.mode == "sentinel") return 1 + ch.count;
    return ch.count * (1 + replicas_per_master(params(c)));
  };
  p.describe = [](const config::Component& c, const Choice& ch) {
    std::string type = ch.instance.empty() ? "" : " " + ch.instance;
    if (ch.mode == "standalone") return "standalone" + type;
    if (ch.mode == "sentinel")
      return fmt::format("sentinel, 1 + {} replica{}{}", ch.count, ch.count == 1 ? "" : "s", type);
    return fmt::format("cluster, {} x (1 + {}){}", ch.count, replicas_per_master(params(c)), type);
  };
  // A Sentinel needs a replica to fail over to.
  p.least = [](const Choice& ch, bool) { return ch.mode == "sentinel" ? 1 : 0; };
  return p;
}

}  // namespace

Kind redis_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_redis;
  k.instances = [](const config::Component& c) {
    const auto& s = params(c);
    long long masters = s.mode == "cluster" ? s.masters : 1;
    return masters * (1LL + s.replicas);
  };
  k.detail = [](const config::Component& c) { return params(c).mode; };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    const auto& s = params(c);
    if (s.mode == "cluster") {
      if (s.replicas > 0) return std::nullopt;
      if (s.masters <= 1) return Spof{"1 instance"};
      return Spof{std::to_string(s.masters) +
                      " masters without replicas: each holds the only copy of its slots",
                  "losing any master"};
    }
    if (s.replicas <= 0) return Spof{"1 instance"};
    if (s.mode == "sentinel") {
      if (s.sentinels < s.quorum)
        return Spof{plural(s.sentinels, "sentinel", "sentinels") + " cannot reach quorum " +
                        std::to_string(s.quorum) + ": no automatic failover",
                    "losing the master"};
      return std::nullopt;
    }
    return Spof{"standalone: its replicas are never promoted automatically", "losing the master"};
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"master", std::nullopt});
  };
  k.loss.every_period = true;  // Sentinel's or the cluster's failover
  return k;
}

}  // namespace capsim::models
