// mongodb: a MongoDB replica set (models/mongodb/mongodb.cpp), registered as a kind.
#include "models/kind.hpp"

#include <fmt/format.h>

#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/mongodb/params.hpp"
#include "models/mongodb/rules.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_mongodb(const config::Component&, sim::ModelContext&);

namespace {

const MongoParams& params(const config::Component& c) {
  return c.as<MongoParams>();
}

// Reads may go to the secondaries (the read preference lets them).
bool reads_on_secondaries(const MongoParams& s) {
  return s.read_preference == "secondary" || s.read_preference == "secondaryPreferred" ||
         s.read_preference == "nearest";
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "mongodb";
  k.keys = {"members",          "read_preference",    "write_concern",
            "election_timeout", "heartbeat_interval", "server_selection_timeout",
            "retry_writes",     "retry_reads",        "max_connections"};
  k.roles = {"primary", "secondary"};
  k.calls.query = true;
  k.read = read_mongodb_params;
  k.address = [](const config::Component& c, const std::string& role,
                 bool indexed) -> config::Address {
    if (role == "primary") return {1, ""};
    if (role == "secondary") return {params(c).members - 1, ""};
    if (role.empty() && indexed) return config::ambiguous_index(c, {"primary", "secondary[i]"});
    if (role.empty()) return {1, ""};
    return config::wrong_role(c, role, {"primary", "secondary"});
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
    int i = load.component, v = vcpus_of(c, 2), n = s.members;
    // Reads on the secondaries when the read preference allows; "nearest" spreads them over all.
    bool spread = reads_on_secondaries(s) && n > 1;
    int readers = s.read_preference == "nearest" ? n : n - 1;
    double primary = load.rps * (d.writes[i] + (spread ? 0 : d.reads[i])) / v;
    double secondary = spread ? load.rps * d.reads[i] / (readers * v) : 0;
    if (s.read_preference == "nearest" && spread) primary += secondary;
    tp.utilisation = std::max(primary, secondary);
    tp.resource = primary >= secondary ? "primary CPU" : "secondary CPU";
    if (n < 3) {
      tp.survives_loss = false;
      tp.loss_note = n == 1 ? "a single member is a single point of failure"
                            : "2 members: losing one leaves no majority to elect a primary";
      return;
    }
    // Losing the primary: a secondary is elected and takes its load; reads spread over one fewer.
    int after_readers = readers - 1;
    double p2 = load.rps * (d.writes[i] + (spread ? 0 : d.reads[i])) / v;
    double r2 = spread && after_readers > 0 ? load.rps * d.reads[i] / (after_readers * v) : 0;
    double after = std::max(p2, r2);
    tp.survives_loss = after < kFailureCeiling;
    tp.loss_note = fmt::format("{:.0f}% after an election", 100 * after);
  };
  return a;
}

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) { return params(c).members; };
  p.noun = [](const Choice&) { return "members"; };
  // A replica set from one member (N+1 needs three) to seven voting ones.
  p.default_range = [](int written) { return std::make_pair(1, std::max(7, written)); };
  p.apply = [](config::Component& c, const Choice& ch) { edit<MongoParams>(c).members = ch.count; };
  p.describe = [](const config::Component&, const Choice& ch) {
    std::string type = ch.instance.empty() ? "" : " " + ch.instance;
    return ch.count == 1 ? "standalone" + type : fmt::format("replica set of {}{}", ch.count, type);
  };
  // Electing a new primary after losing one needs a majority of the rest: three members.
  p.least = [](const Choice&, bool n_plus_1) { return n_plus_1 ? 3 : 1; };
  return p;
}

}  // namespace

Kind mongodb_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_mongodb;
  k.instances = count_of(&MongoParams::members);
  k.detail = [](const config::Component& c) {
    int n = params(c).members;
    return n > 1 ? "primary + " + plural(n - 1, "secondary", "secondaries") : std::string();
  };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    int n = params(c).members;
    if (n <= 1) return Spof{"1 instance"};
    if (n == 2) return Spof{"2 members: losing one leaves no majority to elect a primary"};
    return std::nullopt;
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"primary", std::nullopt});
  };
  k.loss.every_period = true;  // the replica set's election
  return k;
}

}  // namespace capsim::models
