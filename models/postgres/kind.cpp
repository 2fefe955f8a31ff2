// postgres: a PostgreSQL primary, its streaming replicas and its failover manager
// (models/postgres/postgres.cpp), registered as a kind.
#include "models/kind.hpp"

#include <fmt/format.h>

#include <limits>

#include "models/common.hpp"
#include "models/postgres/params.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_postgres(const config::Component&, sim::ModelContext&);

namespace {

const PostgresParams& params(const config::Component& c) {
  return c.as<PostgresParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "postgres";
  k.keys = {"read_replicas",   "replication", "replication_lag",
            "max_connections", "reads",       "failover"};
  k.roles = {"primary", "replica"};
  k.calls.query = true;
  k.read = read_postgres_params;
  k.address = [](const config::Component& c, const std::string& role,
                 bool indexed) -> config::Address {
    if (role == "primary") return {1, ""};
    if (role == "replica") return {params(c).read_replicas, ""};
    if (role.empty() && indexed) return config::ambiguous_index(c, {"primary", "replica[i]"});
    if (role.empty()) return {1, ""};
    return config::wrong_role(c, role, {"primary", "replica"});
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  a.visit = [](AnalyticVisit& v) {
    v.d.cpu[v.component] += v.p * v.demand;
    (v.write ? v.d.writes : v.d.reads)[v.component] += v.p * v.demand;
    v.own += v.demand;
  };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    const auto& d = load.d;
    int i = load.component;
    double rps = load.rps;
    int v = vcpus_of(c, 2), r = s.read_replicas;
    bool to_replicas = s.reads == "replicas" && r > 0;
    double primary = rps * (d.writes[i] + (to_replicas ? 0 : d.reads[i])) / v;
    double replica = to_replicas ? rps * d.reads[i] / (r * v) : 0;
    tp.utilisation = std::max(primary, replica);
    tp.resource = primary >= replica ? "primary CPU" : "replica CPU";
    // Losing the primary: a replica is promoted; reads then share r - 1 replicas (or the new
    // primary when none is left). Losing a replica is never worse than that.
    if (r == 0) {
      tp.survives_loss = false;
      tp.loss_note = "no replica to promote: a single primary is a single point of failure";
    } else if (s.failover.manager != "patroni") {
      tp.survives_loss = false;
      tp.loss_note = "manual failover: the primary stays down until restored";
    } else {
      bool still = s.reads == "replicas" && r - 1 > 0;
      double p2 = rps * (d.writes[i] + (still ? 0 : d.reads[i])) / v;
      double r2 = still ? rps * d.reads[i] / ((r - 1) * v) : 0;
      double after = std::max(p2, r2);
      tp.survives_loss = after < kFailureCeiling;
      tp.loss_note = fmt::format("{:.0f}% after a promotion", 100 * after);
    }
  };
  return a;
}

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) { return params(c).read_replicas; };
  p.noun = [](const Choice&) { return "read replicas"; };
  p.default_range = [](int written) { return std::make_pair(0, std::max(5, written)); };
  p.apply = [](config::Component& c, const Choice& ch) {
    edit<PostgresParams>(c).read_replicas = ch.count;
  };
  p.billed = [](const config::Component&, const Choice& ch) { return 1 + ch.count; };
  p.describe = [](const config::Component&, const Choice& ch) {
    std::string type = ch.instance.empty() ? "" : " " + ch.instance;
    return ch.count == 0
               ? "primary" + type
               : fmt::format("primary + {} replica{}{}", ch.count, ch.count == 1 ? "" : "s", type);
  };
  // Surviving the primary's loss needs a replica to promote.
  p.least = [](const Choice&, bool n_plus_1) { return n_plus_1 ? 1 : 0; };
  p.grow_text = [](const Choice& from, const Choice& to) {
    return fmt::format("add {} read replica{} ({} in all)", to.count - from.count,
                       to.count - from.count == 1 ? "" : "s", to.count);
  };
  return p;
}

}  // namespace

Kind postgres_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_postgres;
  k.instances = [](const config::Component& c) { return 1LL + params(c).read_replicas; };
  k.detail = [](const config::Component& c) {
    int r = params(c).read_replicas;
    return r > 0 ? "primary + " + plural(r, "replica", "replicas") : std::string();
  };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    const auto& s = params(c);
    if (s.read_replicas <= 0) return Spof{"1 instance"};
    if (s.failover.manager == "manual") {
      // Only what needs the primary breaks: writes, and reads when they go to the primary.
      bool reads_on_primary = s.reads == "primary";
      return Spof{"one primary, failover is manual", "losing the primary",
                  [reads_on_primary](const std::set<std::string>& queries) {
                    for (const auto& q : queries)
                      if (q != "read" || reads_on_primary) return true;
                    return false;
                  }};
    }
    return std::nullopt;
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"primary", std::nullopt});
  };
  k.loss.every_period = true;  // Patroni's failover
  return k;
}

}  // namespace capsim::models
