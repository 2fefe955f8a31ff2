// app: stateless replicas running gunicorn-style workers (models/app/app.cpp), registered as a
// kind.
#include "models/kind.hpp"

#include "models/app/params.hpp"
#include "models/autoscale_params.hpp"
#include "models/common.hpp"
#include "models/kind_helpers.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_app(const config::Component&, sim::ModelContext&);

namespace {

const AppParams& params(const config::Component& c) {
  return c.as<AppParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "app";
  k.keys = {"replicas", "workers", "timeout", "backlog", "autoscale"};
  k.read = read_app_params;
  k.address = [](const config::Component& c, const std::string& role, bool) {
    // Counts use the most an autoscaler may start.
    const auto& s = params(c);
    return config::address_without_roles(c, scaled_max(s.replicas, s.autoscale), role);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  a.holds_workers = true;  // a sync worker is held for the whole request, nested calls included
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    int v = vcpus_of(c, 1);
    int workers = s.workers > 0 ? s.workers : 2 * v + 1;
    double cpu_u = load.cpu / (s.replicas * v), held_u = load.held / (s.replicas * workers);
    if (cpu_u >= held_u)
      stateless_tier(tp, c, s.replicas, v, load.cpu, "CPU");
    else
      stateless_tier(tp, c, s.replicas, workers, load.held, "workers");
    int i = load.component;
    if (load.visits > 0)
      tp.wait = erlang_wait(load.visits, load.d.held[i] / load.d.visits[i], s.replicas * workers);
  };
  return a;
}

Planning kind_planning() {
  Planning p;
  p.count = [](const config::Component& c) { return params(c).replicas; };
  p.noun = [](const Choice&) { return "replicas"; };
  // Stateless: from one replica (N+1 decides how many more).
  p.default_range = [](int written) { return std::make_pair(1, std::max(64, written)); };
  p.apply = [](config::Component& c, const Choice& ch) {
    AppParams& s = edit<AppParams>(c);
    s.replicas = ch.count;
    // The plan sizes for the peak: an autoscaler's range must let it run that many.
    widen_autoscale(s.autoscale, ch.count);
  };
  // gunicorn's workers follow the machine (2 x vCPUs + 1) when that is how they were set.
  p.rehost = [](config::Component& c, int old_vcpus) {
    if (params(c).workers == 2 * old_vcpus + 1) edit<AppParams>(c).workers = 0;
  };
  return p;
}

}  // namespace

Kind app_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_app;
  k.instances = count_of(&AppParams::replicas);
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    const auto& s = params(c);
    if (s.replicas <= 1) return Spof{"1 instance"};
    if (autoscale_floor(s.autoscale, s.replicas) <= 1)
      return Spof{"the autoscaler may scale it down to 1 replica"};
    return std::nullopt;
  };
  k.planning = kind_planning();
  k.analytic = kind_analytic();
  k.loss = lose_first_instance(true);  // every period: nginx's retries around a dead replica
  return k;
}

}  // namespace capsim::models
