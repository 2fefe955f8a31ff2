// load_balancer: nginx in front of a replicated upstream (models/load_balancer/load_balancer.cpp),
// registered as a kind.
#include "models/kind.hpp"

#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/load_balancer/params.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_load_balancer(const config::Component&, sim::ModelContext&);

namespace {

const LoadBalancerParams& params(const config::Component& c) {
  return c.as<LoadBalancerParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "load_balancer";
  k.keys = {"upstream",        "balance",      "max_fails", "fail_timeout", "next_upstream_tries",
            "connect_timeout", "read_timeout", "cpu",       "instances"};
  k.read = read_load_balancer_params;
  k.references = [](const config::Component& c) {
    config::Reference upstream{"upstream", params(c).upstream, {"app", "station"}, "an upstream"};
    upstream.fronts = true;  // requests to the upstream enter here
    return std::vector<config::Reference>{upstream};
  };
  k.address = [](const config::Component& c, const std::string& role, bool) {
    return config::address_without_roles(c, params(c).instances, role);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  a.proxy_cpu = [](const config::Component& c) { return params(c).cpu.mean; };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    stateless_tier(tp, c, params(c).instances, vcpus_of(c, 1), load.cpu, "CPU");
  };
  return a;
}

}  // namespace

Kind load_balancer_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_load_balancer;
  k.instances = count_of(&LoadBalancerParams::instances);
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = single_instance_spof(&LoadBalancerParams::instances);
  // nginx is cheap: from one to a few instances, N+1 deciding how many.
  k.planning = count_knob(&LoadBalancerParams::instances, "",
                          [](int written) { return std::make_pair(1, std::max(4, written)); });
  k.analytic = kind_analytic();
  k.loss = lose_first_instance(false);
  return k;
}

}  // namespace capsim::models
