#include "models/blueprint.hpp"

#include <stdexcept>

#include "models/registry.hpp"

namespace capsim::models {
namespace {

sim::CallPlan compile(const config::Topology& t, const config::Call& c) {
  sim::CallPlan p;
  p.target = t.index_of(c.to);
  if (p.target < 0) throw std::logic_error("call to unknown component " + c.to);
  p.op = c.op;
  p.write = config::is_write(c);
  if (c.demand) {
    p.has_demand = true;
    p.demand = sim::Sampler(*c.demand);
  }
  if (c.io) {
    p.has_io = true;
    p.io = sim::Sampler(*c.io);
  }
  p.hit_ratio = c.hit_ratio.value_or(-1);
  if (!c.enqueue.empty())
    for (std::size_t j = 0; j < t.jobs.size(); ++j)
      if (t.jobs[j].name == c.enqueue) p.job = static_cast<int>(j);
  p.on_miss = compile_calls(t, c.on_miss);
  p.calls = compile_calls(t, c.calls);
  p.parallel = compile_calls(t, c.parallel);
  return p;
}

}  // namespace

std::vector<sim::CallPlan> compile_calls(const config::Topology& t,
                                         const std::vector<config::Call>& calls) {
  std::vector<sim::CallPlan> plans;
  plans.reserve(calls.size());
  for (const auto& c : calls) plans.push_back(compile(t, c));
  return plans;
}

std::shared_ptr<const sim::Blueprint> blueprint(const config::Topology& t) {
  auto topology = std::make_shared<const config::Topology>(t);
  auto b = std::make_shared<sim::Blueprint>();
  b->name = t.name;
  b->zones = t.zones;
  b->network = {t.network.rtt, t.network.cross_zone_rtt};
  for (std::size_t i = 0; i < t.components.size(); ++i) {
    const config::Component& c = t.components[i];
    b->components.push_back({c.name, c.kind, c.zones});
    const Kind& kind = kind_of(c);
    b->factories.push_back([topology, i, make = kind.make](sim::ModelContext& ctx) {
      return make(topology->components[i], ctx);
    });
  }
  for (const auto& r : t.requests)
    b->requests.push_back({r.name, r.share, r.idempotent, compile_calls(t, r.calls)});
  for (const auto& j : t.jobs) b->jobs.push_back({j.name, j.priority, compile_calls(t, j.calls)});
  return b;
}

sim::Scenario scenario(const config::Scenario& s) {
  sim::Scenario out;
  for (const auto& a : s.actions)
    out.actions.push_back(
        {a.at, a.action, a.target, a.duration, a.factor, a.component, a.role, a.index, a.zone});
  return out;
}

sim::ArrivalProcess arrivals(const config::ArrivalProcess& a) {
  return {a.process, a.burst_factor, a.mean_burst, a.mean_calm};
}

}  // namespace capsim::models
