// pgbouncer: a connection pooler in front of a PostgreSQL server (models/pgbouncer/pgbouncer.cpp),
// registered as a kind.
#include "models/kind.hpp"

#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/pgbouncer/params.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_pgbouncer(const config::Component&, sim::ModelContext&);

namespace {

const PgBouncerParams& params(const config::Component& c) {
  return c.as<PgBouncerParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "pgbouncer";
  k.keys = {"server",
            "pool_mode",
            "default_pool_size",
            "reserve_pool_size",
            "reserve_pool_timeout",
            "max_client_conn",
            "query_wait_timeout",
            "server_login_retry",
            "instances",
            "cpu"};
  k.calls.query = true;
  k.read = read_pgbouncer_params;
  k.references = [](const config::Component& c) {
    config::Reference server{"server", params(c).server, {"postgres"}, "a database server"};
    server.forwards_queries = true;  // a query sent here runs on the server
    return std::vector<config::Reference>{server};
  };
  k.address = [](const config::Component& c, const std::string& role, bool) {
    return config::address_without_roles(c, params(c).instances, role);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  // The pooler's own CPU per transaction, a server connection held for the query, and the query
  // itself on the server.
  a.visit = [](AnalyticVisit& v) {
    const auto& s = params(v.topology.components[v.component]);
    const double rtt = v.topology.network.rtt;
    v.d.cpu[v.component] += v.p * s.cpu.mean;
    int server = v.topology.index_of(s.server);
    if (server >= 0) {
      v.d.visits[server] += v.p;
      v.d.cpu[server] += v.p * v.demand;
      (v.write ? v.d.writes : v.d.reads)[server] += v.p * v.demand;
    }
    v.d.held[v.component] += v.p * (v.demand + rtt);
    v.own += s.cpu.mean + v.demand + rtt;
  };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    double core = load.cpu, pool = load.held / s.default_pool_size;
    stateless_tier(tp, c, s.instances, 1, std::max(core, pool),
                   core >= pool ? "its one core" : "pool");
    int i = load.component;
    if (load.visits > 0 && load.d.held[i] > 0)
      tp.wait = erlang_wait(load.visits, load.d.held[i] / load.d.visits[i],
                            s.instances * s.default_pool_size);
  };
  return a;
}

}  // namespace

Kind pgbouncer_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_pgbouncer;
  k.instances = count_of(&PgBouncerParams::instances);
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = single_instance_spof(&PgBouncerParams::instances);
  k.planning = count_knob(&PgBouncerParams::instances, "",
                          [](int written) { return std::make_pair(1, std::max(4, written)); });
  k.analytic = kind_analytic();
  k.loss = lose_first_instance(false);
  return k;
}

}  // namespace capsim::models
