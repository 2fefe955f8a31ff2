// capsim plan: for every period of a growth curve, the cheapest setup that meets the SLO with the
// headroom rule and survives any single failure, confirmed by simulation; what changes from one
// period to the next, what it costs, and which tier runs out first if nothing changes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "plan/checks.hpp"
#include "plan/space.hpp"
#include "sim/batch.hpp"

namespace capsim::plan {

struct PlanOptions {
  int horizon = 0;        // periods to plan; 0 = the traffic file's
  int replications = 2;   // per confirming simulation
  sim::Executor execute;  // runs the simulations (runs/fork.hpp, runs/mpi.hpp)
  bool drills = true;     // confirm N+1 with a loss drill per tier
  std::uint64_t seed = 1;
  std::function<void(const std::string&)> progress;  // one line: what is being checked
};

struct TierCheck {  // one tier of a period's setup
  std::string component, setup;
  Choice choice;
  double monthly = 0;      // cost of this component per month
  double utilisation = 0;  // simulated, busiest resource
  double predicted = 0;    // the analytic model's
};

struct PeriodPlan {
  int month = 0;
  double peak_rps = 0;
  bool recommended = false;  // confirmed by simulation, SLO, headroom and N+1 all held
  std::string why_not;       // when not recommended
  Setup setup;
  std::vector<TierCheck> tiers;
  double monthly = 0, delta = 0, n_plus_1_premium = 0;
  std::map<std::string, double> p95, p99;  // per class, simulated
  double error_rate = 0;
  std::string binding;  // the constraint closest to its limit
  std::vector<LossDrill> drills;
  std::vector<std::string> changes;
  int candidates = 0, simulations = 0;
  std::optional<Setup> runner_up;
  double runner_up_monthly = 0;
  bool runner_up_confirmed = false;
};

struct Runway {  // if nothing changes: the topology as written, period by period
  std::string component, resource;
  std::optional<int> over_headroom, saturated;  // first month
};

struct RuleOfThumbRow {  // the runbook's projection beside the plan
  int month = 0;
  double users = 0, rps = 0;
  int app_instances = 0;
  int db_connections = 0;
  double redis_gb = 0;
  std::string database, redis;
};

struct PlanResult {
  std::vector<PeriodPlan> periods;
  std::vector<Runway> runway;  // every tier, the earliest to run out first
  std::vector<RuleOfThumbRow> rule_of_thumb;
  std::vector<std::string> rule_of_thumb_notes;
  double wall_seconds = 0;
  int simulations = 0;
};

PlanResult make_plan(const config::Topology& topology, const config::Traffic& traffic,
                     const config::Catalog& catalog, const config::Slo& slo,
                     const PlanOptions& options);

}  // namespace capsim::plan
