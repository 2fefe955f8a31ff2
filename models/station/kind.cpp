// station: a generic queueing station (models/station/station.cpp), registered as a kind.
#include "models/kind.hpp"

#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/station/params.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_station(const config::Component&, sim::ModelContext&);

namespace {

const StationParams& params(const config::Component& c) {
  return c.as<StationParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "station";
  k.keys = {"servers", "service", "queue_limit"};
  k.calls.hit_ratio = true;  // a station may stand in for a cache
  k.read = read_station_params;
  k.address = [](const config::Component& c, const std::string& role, bool) {
    return config::address_without_roles(c, params(c).servers, role);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  a.visit = [](AnalyticVisit& v) {
    const auto& s = params(v.topology.components[v.component]);
    double service = v.call.demand ? v.demand : s.service.mean;
    v.d.cpu[v.component] += v.p * service;
    v.own += service + v.io;
  };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    stateless_tier(tp, c, s.servers, 1, load.cpu, "servers");
    int i = load.component;
    if (load.visits > 0)
      tp.wait = erlang_wait(load.visits, load.d.cpu[i] / load.d.visits[i], s.servers);
  };
  return a;
}

}  // namespace

Kind station_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_station;
  // One machine, whatever its servers: losing it loses them all.
  k.instances = [](const config::Component&) { return 1LL; };
  k.detail = [](const config::Component& c) {
    return plural(params(c).servers, "server", "servers");
  };
  k.spof = [](const config::Component&) { return std::optional<Spof>(Spof{"1 instance"}); };
  k.planning = count_knob(&StationParams::servers, "servers");
  k.analytic = kind_analytic();
  // A generic station has no failover to drill.
  return k;
}

}  // namespace capsim::models
