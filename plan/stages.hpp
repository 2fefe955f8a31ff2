// The planner's stages, each a function of its inputs (plan/planner.cpp runs them period by
// period): the analytic search for the cheapest setup, the simulation that confirms it, the loss
// drills that check N+1, the period's figures and costs, the capacity runway and the runbook's
// rules of thumb.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "plan/checks.hpp"
#include "plan/planner.hpp"
#include "plan/space.hpp"

namespace capsim::plan {

// ---- 1. the analytic search -----------------------------------------------------------------

// One tier's option: a choice and what it costs.
struct Option {
  Choice choice;
  double monthly = 0;
};

// The cheapest choice of every instance type and mode for tier `i` that keeps it under the
// headroom (and, with `n_plus_1`, survives losing one instance) at `rps`, cheapest first. `base`
// is the setup of the other tiers. Counts start from `floor` when the type and mode are
// unchanged, so that a plan never shrinks a tier. `evaluated` counts the candidates tried.
std::vector<Option> tier_options(const config::Topology& t, const Setup& base, std::size_t i,
                                 const Knob& knob, const Choice* floor, double rps, double headroom,
                                 bool n_plus_1, const config::Catalog& catalog, int& evaluated);

double setup_cost(const config::Topology& t, const Setup& s, const config::Catalog& catalog);

struct Search {
  Setup cheapest;  // per tier the cheapest option (the largest allowed where none fits)
  std::vector<std::vector<Option>> options;  // per tier, cheapest first
  bool feasible = true;                      // every tier has an option
  std::string why_not;                       // the tiers without one, and why
  int candidates = 0;
  double n_plus_1_premium = 0;     // against the cheapest setup that only meets the headroom
  std::optional<Setup> runner_up;  // the one tier whose second option costs the least extra
};

// Tiers are independent in the analytic model (each one's demand per request is fixed by the
// call trees), so the cheapest setup is the cheapest option of each. `previous` is the last
// period's setup (the floor), `written` the topology as written.
Search search(const config::Topology& t, const std::vector<Knob>& knobs,
              const std::optional<Setup>& previous, const Setup& written, double rps,
              double headroom, const config::Catalog& catalog);

// ---- 2. the simulation confirms ---------------------------------------------------------------

struct Confirmation {
  Setup setup;              // grown where the simulation needed more
  sim::RunSummary summary;  // of the setup as confirmed
  bool slo_ok = false;      // the SLO (percentiles, errors) and the headroom on every tier
  int simulations = 0;
  std::optional<Setup> runner_up;  // simulated beside the first attempt, when there was one
  double runner_up_monthly = 0;
  bool runner_up_confirmed = false;
};

// Simulates `setup` (and the runner-up beside it, once) at the load; while the SLO breaks, the
// tier it names (the one furthest over the headroom, else the bottleneck) grows by the
// Utilisation Law and the simulation runs again, at most 8 times.
Confirmation confirm(const config::Topology& t, Setup setup, const std::optional<Setup>& runner_up,
                     const std::vector<Knob>& knobs, const sim::LoadSpec& load,
                     const sim::RunSpec& run, const config::Slo& slo,
                     const config::Catalog& catalog, const PlanOptions& options, int month);

// ---- 3. N+1 by loss drills ----------------------------------------------------------------------

struct DrillCheck {
  Setup setup;  // with more survivors where a drill asked for them
  std::vector<LossDrill> drills;
  int simulations = 0;
  std::string why_not;  // the losses it still does not survive
};

// A drill losing one instance (or the primary / master) of each tier at the peak, judged by the
// SLO's failover allowance. Tiers whose survival is only a matter of capacity are drilled when
// their setup changes, the others every period; a failed drill that more instances fix grows the
// tier and the drills run again (three rounds at most).
DrillCheck check_losses(const config::Topology& t, Setup setup,
                        const std::optional<Setup>& previous, const std::vector<Knob>& knobs,
                        const sim::LoadSpec& load, const sim::RunSpec& run, const config::Slo& slo,
                        const config::Catalog& catalog, const sim::Executor& execute);

// ---- 4. the period's figures and costs ----------------------------------------------------------

// Fills the period's tiers (setup, cost, simulated and predicted utilisation), its monthly cost
// and the delta against `before`'s (the previous period's setup, or the topology as written),
// the binding constraint, the simulated percentiles and the change list.
void cost_period(PeriodPlan& period, const config::Topology& t, const sim::RunSummary& confirmed,
                 const Setup& before, double before_cost, const config::Catalog& catalog,
                 const config::Slo& slo);

// ---- 5. the capacity runway ---------------------------------------------------------------------

// The topology as written against each period's peak: when each tier passes the headroom and
// when it saturates; the earliest to run out first.
std::vector<Runway> capacity_runway(const config::Topology& t, const config::Traffic& traffic,
                                    double headroom);

// ---- 6. the runbook's rules of thumb
// --------------------------------------------------------------

// The runbook's projection period by period, where the topology states one (else empty).
std::vector<RuleOfThumbRow> rules_of_thumb(const config::Topology& t,
                                           const config::Traffic& traffic);

}  // namespace capsim::plan
