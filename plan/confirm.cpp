// Stages 2 and 3: the simulation confirms a setup, and loss drills check N+1 (plan/stages.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/slo_check.hpp"
#include "core/units.hpp"
#include "models/blueprint.hpp"
#include "models/registry.hpp"
#include "plan/stages.hpp"

namespace capsim::plan {

using namespace config;

namespace {

// Which tier to grow after a run that breaks the SLO: the one furthest over its headroom in the
// simulation, else the first saturated one, else the busiest; -1 when none may grow.
int tier_to_grow(const Topology& t, const Setup& setup, const std::vector<Knob>& knobs,
                 const sim::RunSummary& run) {
  int grow = -1;
  double worst = -1;
  for (std::size_t i = 0; i < setup.size(); ++i) {
    double u = run.components[i].utilisation.mean;
    if (u > worst && setup[i].count < knobs[i].max) worst = u, grow = static_cast<int>(i);
  }
  for (const auto& name : run.saturated) {
    int i = t.index_of(name);
    if (i >= 0 && setup[i].count < knobs[i].max) return i;
  }
  return grow;
}

}  // namespace

Confirmation confirm(const Topology& t, Setup setup, const std::optional<Setup>& runner_up,
                     const std::vector<Knob>& knobs, const sim::LoadSpec& load,
                     const sim::RunSpec& run, const Slo& slo, const Catalog& catalog,
                     const PlanOptions& options, int month) {
  Confirmation c;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::vector<sim::BatchRun> batch = {
        {models::blueprint(apply(t, setup, catalog)), load, run, options.replications}};
    bool with_runner = attempt == 0 && runner_up;
    if (with_runner)
      batch.push_back(
          {models::blueprint(apply(t, *runner_up, catalog)), load, run, options.replications});
    auto summaries = sim::run_batch(batch, options.execute);
    c.simulations += static_cast<int>(batch.size());
    if (with_runner) {
      c.runner_up = runner_up;
      c.runner_up_monthly = setup_cost(t, *runner_up, catalog);
      c.runner_up_confirmed = analysis::check_slo(slo, summaries[1]).pass;
    }
    c.summary = summaries[0];
    if (analysis::check_slo(slo, c.summary).pass) {
      c.slo_ok = true;
      break;
    }
    int grow = tier_to_grow(t, setup, knobs, c.summary);
    if (grow < 0) break;
    // By the Utilisation Law the tier needs count x U / headroom instances; at least one more.
    double u = c.summary.components[grow].utilisation.mean;
    int want = static_cast<int>(std::ceil(setup[grow].count * u / slo.headroom));
    setup[grow].count =
        std::clamp(want, setup[grow].count + 1, std::max(setup[grow].count + 1, knobs[grow].max));
    if (options.progress)
      options.progress(fmt::format("{}: simulation breaks the SLO; {} grows to {}",
                                   core::format_month(month), t.components[grow].name,
                                   setup[grow].count));
  }
  c.setup = std::move(setup);
  return c;
}

DrillCheck check_losses(const Topology& t, Setup setup, const std::optional<Setup>& previous,
                        const std::vector<Knob>& knobs, const sim::LoadSpec& load,
                        const sim::RunSpec& run, const Slo& slo, const Catalog& catalog,
                        const sim::Executor& execute) {
  DrillCheck d;
  const std::size_t n = t.components.size();
  for (int round = 0; round < 3; ++round) {
    Topology candidate = apply(t, setup, catalog);
    std::vector<std::size_t> tiers;
    for (std::size_t i = 0; i < n; ++i) {
      bool every_period = models::kind_of(t.components[i]).loss.every_period;
      if (!every_period && previous && (*previous)[i] == setup[i]) continue;
      tiers.push_back(i);
    }
    d.drills = run_loss_drills(candidate, tiers, load, run, slo, execute);
    d.simulations += static_cast<int>(d.drills.size());
    bool grew = false, structural = false;
    for (const auto& ld : d.drills) {
      if (ld.pass) continue;
      std::size_t i = ld.tier;
      bool more_help = models::kind_of(t.components[i]).loss.more_instances_help;
      if (more_help && setup[i].count < knobs[i].max) {
        setup[i].count += 1;  // more survivors
        grew = true;
      } else {
        structural = true;
      }
    }
    // Grew: more survivors only lower the load, so the SLO still holds; drill again.
    if (!grew || structural) break;
  }
  // Whatever still fails after the last round rules the setup out.
  for (const auto& ld : d.drills)
    if (!ld.pass)
      d.why_not += (d.why_not.empty() ? "" : "; ") +
                   fmt::format("does not survive losing {} ({})", ld.target, ld.note);
  d.setup = std::move(setup);
  return d;
}

}  // namespace capsim::plan
