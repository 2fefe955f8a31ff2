#include "plan/planner.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/units.hpp"
#include "models/blueprint.hpp"
#include "plan/stages.hpp"

namespace capsim::plan {

using namespace config;

namespace {

// One line on the progress callback: which period, and an ETA. Periods grow in load, so the ETA
// from the ones done so far is a lower bound.
void report_progress(const PlanOptions& options, const Traffic& traffic, const PlanResult& done,
                     int month, double rps, std::chrono::steady_clock::time_point start) {
  if (!options.progress) return;
  auto periods = traffic.periods();
  std::size_t finished = done.periods.size();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string eta =
      finished ? fmt::format(", ETA {:.0f} s+", elapsed / finished * (periods.size() - finished))
               : "";
  options.progress(fmt::format("period {}/{} {} at {:.0f} rps: {} simulations so far, {:.0f} s{}",
                               finished + 1, periods.size(), core::format_month(month), rps,
                               done.simulations, elapsed, eta));
}

}  // namespace

PlanResult make_plan(const Topology& topology, const Traffic& traffic_in, const Catalog& catalog,
                     const Slo& slo, const PlanOptions& options) {
  auto wall_start = std::chrono::steady_clock::now();
  Traffic traffic = traffic_in;
  if (options.horizon > 0) traffic.months = options.horizon - 1;
  PlanResult result;
  const auto knob_list = knobs(topology);
  const std::size_t n = topology.components.size();
  Setup written(n);
  for (std::size_t i = 0; i < n; ++i) written[i] = current_choice(topology.components[i]);

  std::optional<Setup> previous;
  double previous_cost = 0;
  for (int month : traffic.periods()) {
    PeriodPlan period;
    period.month = month;
    period.peak_rps = traffic.peak_rps(month);
    const double rps = period.peak_rps;
    report_progress(options, traffic, result, month, rps, wall_start);

    // 1. The analytic search: per tier, the cheapest option meeting headroom and N+1.
    Search found = search(topology, knob_list, previous, written, rps, slo.headroom, catalog);
    period.candidates = found.candidates;
    period.why_not = found.why_not;
    period.n_plus_1_premium = found.n_plus_1_premium;
    Setup setup = found.cheapest;

    // 2. The simulation confirms the SLO and the headroom. A period the analytic search finds
    // infeasible is not simulated: nothing there could be recommended, and its figures are the
    // analytic model's.
    sim::RunSpec run = confirmation_run(rps, options.seed);
    sim::LoadSpec load;
    load.rps = rps;
    load.arrival = models::arrivals(traffic.arrival);
    Confirmation confirmed;
    if (found.feasible) {
      confirmed = confirm(topology, setup, found.runner_up, knob_list, load, run, slo, catalog,
                          options, month);
      setup = confirmed.setup;
      period.simulations += confirmed.simulations;
      period.runner_up = confirmed.runner_up;
      period.runner_up_monthly = confirmed.runner_up_monthly;
      period.runner_up_confirmed = confirmed.runner_up_confirmed;
      if (!confirmed.slo_ok)
        period.why_not = "the simulation breaks the SLO even at the largest setups tried";
    }

    // 3. N+1, confirmed by a loss drill per tier.
    if (confirmed.slo_ok && found.feasible && options.drills) {
      DrillCheck losses = check_losses(topology, setup, previous, knob_list, load, run, slo,
                                       catalog, options.execute);
      setup = losses.setup;
      period.drills = losses.drills;
      period.simulations += losses.simulations;
      period.why_not = losses.why_not;
    }
    period.recommended = confirmed.slo_ok && found.feasible && period.why_not.empty();
    period.setup = setup;
    result.simulations += period.simulations;

    // 4. Figures and costs; the first period's delta is against the topology as written.
    cost_period(period, topology, confirmed.summary, previous ? *previous : written,
                previous ? previous_cost : setup_cost(topology, written, catalog), catalog, slo);
    previous = setup;
    previous_cost = period.monthly;
    result.periods.push_back(std::move(period));
  }

  // 5. The capacity runway and 6. the runbook's rules of thumb.
  result.runway = capacity_runway(topology, traffic, slo.headroom);
  result.rule_of_thumb = rules_of_thumb(topology, traffic);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace capsim::plan
