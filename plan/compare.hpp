// capsim compare: several topologies side by side at each period's peak: which hold the SLO
// (percentiles, errors, headroom), what they cost per month as written, and which single
// failures each survives (a loss drill per tier, as the planner runs them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "plan/checks.hpp"

namespace capsim::plan {

struct CompareEntry {
  double monthly = 0;  // as written, from the catalog
  bool slo_pass = false;
  std::vector<std::string> breaches;  // SLO checks that failed
  std::map<std::string, double> p95, p99;
  double error_rate = 0;
  std::string busiest;  // "api 83%"
  double busiest_utilisation = 0;
  std::vector<LossDrill> drills;
  bool survives = true;  // every loss drill passed
  bool holds() const { return slo_pass && survives; }
};

struct ComparePeriod {
  int month = 0;
  double peak_rps = 0;
  std::vector<CompareEntry> entries;  // one per topology, in the order given
};

struct CompareOptions {
  std::optional<int> at;  // one period; else every period of the traffic
  int replications = 2;
  sim::Executor execute;  // runs the simulations (runs/fork.hpp, runs/mpi.hpp)
  std::uint64_t seed = 1;
  bool drills = true;
  std::function<void(const std::string&)> progress;
};

std::vector<ComparePeriod> compare(const std::vector<config::Topology>& topologies,
                                   const config::Traffic& traffic, const config::Catalog& catalog,
                                   const config::Slo& slo, const CompareOptions& options);

}  // namespace capsim::plan
