// The figures of a run across its replications: means with 95% confidence intervals (Student t)
// per request class and component, the drills' recovery and lost writes, and which tiers
// saturated. Replication i always uses seed mix(seed, i), so a summary does not depend on who ran
// the replications.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace capsim::sim {

struct Estimate {
  double mean = 0;
  double half_width = 0;  // 95% CI half-width across replications; NaN with one replication
  std::vector<double> samples;
};

struct ClassSummary {
  std::string name;
  Estimate throughput, error_rate, mean, p50, p95, p99, p999;
  std::map<std::string, double> errors;  // total count by cause over all replications
  std::uint64_t completed = 0, failed = 0;
  core::Histogram latency{0.001};  // merged over replications
};

struct ComponentSummary {
  std::string name, kind;
  int instances = 1;
  Estimate utilisation, service_utilisation, mean_queue, mean_wait, throughput, turned_away;
  double max_queue = 0;
  std::map<std::string, Estimate> extra;
  bool saturated = false;
  bool bottleneck = false;  // saturated in its own resource, not only backed up behind another
};

struct DrillSummary {
  DrillResult first;          // replication 0: its timeline and phase bounds
  std::vector<Phase> phases;  // merged over replications (each one's own before/during/after)
  Estimate recovery;          // seconds from the fault until the SLO held again, where it did
  int not_recovered = 0;      // replications where it never did
  Estimate lost_writes;
  double lost_lag = 0;  // the longest replication lag lost at a fault
  Estimate last_error;  // seconds from the fault to the last failed request
};

struct RunSummary {
  int replications = 0;
  double duration = 0, warmup = 0;
  std::uint64_t seed = 0;
  std::vector<ClassSummary> classes;
  std::vector<ComponentSummary> components;
  std::vector<TimePoint> timeseries;  // from replication 0
  std::uint64_t shed = 0;
  double wall_seconds = 0;             // summed over replications
  std::vector<std::string> saturated;  // saturated components: bottlenecks first, then backed up
  std::optional<DrillSummary> drill;
};

Estimate estimate(std::vector<double> samples);

// The replications' results (in replication order) summarised.
RunSummary summarise(const std::vector<ReplicationResult>& results, const RunSpec& run);

}  // namespace capsim::sim
