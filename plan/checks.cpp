#include "plan/checks.hpp"

#include <algorithm>

#include "analysis/slo_check.hpp"
#include "models/blueprint.hpp"
#include "models/registry.hpp"

namespace capsim::plan {

using namespace config;

RunFigures run_figures(const sim::RunSummary& s) {
  RunFigures f;
  std::uint64_t done = 0, failed = 0;
  for (const auto& c : s.classes) {
    f.p95[c.name] = c.p95.mean;
    f.p99[c.name] = c.p99.mean;
    done += c.completed;
    failed += c.failed;
  }
  f.error_rate =
      done + failed ? static_cast<double>(failed) / static_cast<double>(done + failed) : 0;
  return f;
}

sim::RunSpec confirmation_run(double rps, std::uint64_t seed) {
  sim::RunSpec run;
  rps = std::max(rps, 1.0);
  run.warmup = std::clamp(30000 / rps, 5.0, 30.0);
  run.duration = std::clamp(150000 / rps, 30.0, 120.0);
  run.sample_interval = run.duration;
  run.timeseries = false;
  run.seed = seed;
  return run;
}

std::optional<Scenario> loss_scenario(const Component& c, double fault_at, double duration) {
  ScenarioAction a;
  a.at = fault_at;
  a.action = "kill";
  a.component = c.name;
  const auto& loss = models::kind_of(c).loss;
  auto target = loss.target ? loss.target(c) : std::nullopt;
  if (!target) return std::nullopt;
  a.role = target->role;
  a.index = target->index;
  a.target = c.name + (a.role.empty() ? "" : "." + a.role) + (a.index ? "[0]" : "");
  Scenario s;
  s.name = "lose " + a.target;
  s.duration = duration;
  s.actions.push_back(a);
  return s;
}

std::vector<LossDrill> run_loss_drills(const Topology& t, const std::vector<std::size_t>& tiers,
                                       const sim::LoadSpec& load, const sim::RunSpec& base,
                                       const Slo& slo, const sim::Executor& execute) {
  // The fault comes 10 s into the measured window; the drill lasts the allowed recovery and 15 s
  // more, so that "recovered in time" is decided inside it.
  const double fault_at = 10;
  const double duration = fault_at + slo.failover.max_recovery.value_or(60) + 15;
  std::vector<Scenario> scenarios;
  std::vector<std::size_t> tier_of;
  for (std::size_t i : tiers)
    if (auto s = loss_scenario(t.components[i], fault_at, duration)) {
      scenarios.push_back(*s);
      tier_of.push_back(i);
    }
  std::vector<sim::Scenario> played;
  for (const auto& s : scenarios) played.push_back(models::scenario(s));
  auto system = models::blueprint(t);
  sim::RunSpec run = base;
  run.warmup = std::min(base.warmup, 10.0);
  run.duration = duration;
  run.sample_interval = 1;
  run.timeseries = false;
  std::vector<sim::BatchRun> batch;
  for (const auto& s : played) {
    sim::BatchRun b{system, load, run, 1};
    b.run.drill.scenario = &s;
    b.run.drill.rule = analysis::recovery_rule(slo, t);
    batch.push_back(b);
  }
  auto summaries = sim::run_batch(batch, execute);
  std::vector<LossDrill> out;
  for (std::size_t d = 0; d < summaries.size(); ++d) {
    const auto& drill = *summaries[d].drill;
    auto v = analysis::check_failover(slo, drill);
    LossDrill ld;
    ld.tier = tier_of[d];
    ld.target = scenarios[d].actions[0].target;
    ld.pass = v.pass;
    if (!drill.recovery.samples.empty()) ld.recovery = drill.recovery.mean;
    std::uint64_t requests = 0, failed = 0;
    for (const auto& c : drill.phases[1].classes) requests += c.requests, failed += c.failed;
    ld.error_rate = requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0;
    for (const auto& r : v.reasons)
      if (r.rfind("breached", 0) == 0) ld.note += (ld.note.empty() ? "" : "; ") + r;
    out.push_back(ld);
  }
  return out;
}

}  // namespace capsim::plan
