// load_balancer: nginx in front of a replicated upstream (models/load_balancer/load_balancer.cpp),
// registered as a kind.
#include "models/kind.hpp"

#include "models/common.hpp"
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

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) { return params(c).instances; };
  // nginx is cheap: from one to a few instances, N+1 deciding how many.
  p.default_range = [](int written) { return std::make_pair(1, std::max(4, written)); };
  p.apply = [](config::Component& c, const Choice& ch) {
    edit<LoadBalancerParams>(c).instances = ch.count;
  };
  return p;
}

}  // namespace

Kind load_balancer_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_load_balancer;
  k.instances = [](const config::Component& c) {
    return static_cast<long long>(params(c).instances);
  };
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    if (params(c).instances <= 1) return Spof{"1 instance"};
    return std::nullopt;
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss.target = [](const config::Component&) {
    return std::optional<LossTarget>(LossTarget{"", 0});
  };
  k.loss.more_instances_help = true;
  return k;
}

}  // namespace capsim::models
