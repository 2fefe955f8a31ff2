// One replication of one topology under one load: builds the engine, the components (by kind, from
// the registry), the arrival process, runs it and returns plain results.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "sim/component.hpp"
#include "sim/drill.hpp"
#include "core/statistics.hpp"

namespace capsim::sim {

struct LoadSpec {
  double rps = 0;                  // mean arrival rate over the run
  config::ArrivalProcess arrival;  // poisson or mmpp
  std::vector<double> hourly;      // optional rate factors per hour of day (a day profile)
  double day_starts_at = 0;        // simulated time of 00:00 (the end of the warm-up)
};

struct RunSpec {
  double duration = 600;  // measured window, seconds
  double warmup = 60;     // discarded first
  double sample_interval = 10;
  std::uint64_t seed = 1;
  int replication = 0;
  long long max_in_flight = 200000;  // beyond this, arrivals are shed (the model cannot keep up)
  bool timeseries = true;
  DrillSpec drill;  // with a scenario: play it and log every request for the drill analysis
};

struct ClassResult {
  std::string name;
  std::uint64_t arrived = 0, completed = 0, failed = 0;
  std::map<std::string, std::uint64_t> errors;  // by cause
  core::Histogram latency{0.001};
};

struct ComponentResult {
  std::string name, kind;
  ComponentReport report;
};

struct TimePoint {
  double time;
  std::string component;  // component or request class
  std::string metric;
  double value;
};

struct ReplicationResult {
  int replication = 0;
  std::uint64_t seed = 0;
  double duration = 0;
  std::vector<ClassResult> classes;
  std::vector<ComponentResult> components;
  std::vector<TimePoint> timeseries;
  std::uint64_t shed = 0;  // arrivals dropped at the in-flight cap
  double wall_seconds = 0;
  std::uint64_t peak_in_flight = 0;
  std::uint64_t events = 0;
  std::optional<DrillResult> drill;
};

// Compiles a topology's call trees with component indices; exposed for tests.
std::vector<CallPlan> compile_calls(const config::Topology& t,
                                    const std::vector<config::Call>& calls);

ReplicationResult run_replication(const config::Topology& topology, const LoadSpec& load,
                                  const RunSpec& run);

}  // namespace capsim::sim
