// One replication of one system under one load: builds the engine, the components (each from its
// blueprint's factory), the arrival process, runs it and returns plain results.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/statistics.hpp"
#include "sim/blueprint.hpp"
#include "sim/drill.hpp"

namespace capsim::sim {

// How requests arrive: Poisson, or a two-state Markov-modulated Poisson process (MMPP) that keeps
// the mean rate.
struct ArrivalProcess {
  std::string process = "poisson";  // poisson | mmpp
  double burst_factor = 1;          // mmpp: rate in the burst state / rate in the calm state
  double mean_burst = 10;           // mmpp: seconds spent in a burst, on average
  double mean_calm = 60;            // mmpp: seconds spent calm, on average
};

struct LoadSpec {
  double rps = 0;              // mean arrival rate over the run
  ArrivalProcess arrival;      // poisson or mmpp
  std::vector<double> hourly;  // optional rate factors per hour of day (a day profile)
  double day_starts_at = 0;    // simulated time of 00:00 (the end of the warm-up)
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

// Runs in this process: SimGrid allows one engine per process, so one call per process (runs/
// forks a process per replication).
ReplicationResult run_replication(const Blueprint& system, const LoadSpec& load,
                                  const RunSpec& run);

}  // namespace capsim::sim
