// The simulations that confirm a setup: one run at the peak against the SLO, and a loss drill per
// tier (N+1) against the SLO's failover allowance. `capsim plan` and `capsim compare` share them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"
#include "sim/batch.hpp"

namespace capsim::plan {

struct LossDrill {  // N+1: one single-instance or single-role loss
  std::size_t tier = 0;
  std::string target;
  bool pass = false;
  std::optional<double> recovery;  // seconds until the SLO held again
  double error_rate = 0;           // during the fault
  std::string note;                // what breached
};

// What a confirming run showed, per request class, and its error rate over all of them.
struct RunFigures {
  std::map<std::string, double> p95, p99;
  double error_rate = 0;
};
RunFigures run_figures(const sim::RunSummary& s);

// A confirming run at `rps`: long enough for ~150k requests, within 30 s to 2 min (the 95%
// intervals of a p95 are a few percent wide at that size), warmed up for ~30k requests.
sim::RunSpec confirmation_run(double rps, std::uint64_t seed);

// The scenario that kills one instance of a component, or the one in the role its kind names
// (the primary, the master); nullopt for kinds with nothing to lose one of (stations).
std::optional<config::Scenario> loss_scenario(const config::Component& c, double fault_at,
                                              double duration);

// Runs the loss drill of each tier in `tiers` (those with a loss scenario) at `load`, all at once
// through `execute`, one replication each.
std::vector<LossDrill> run_loss_drills(const config::Topology& t,
                                       const std::vector<std::size_t>& tiers,
                                       const sim::LoadSpec& load, const sim::RunSpec& base,
                                       const config::Slo& slo, const sim::Executor& execute);

}  // namespace capsim::plan
