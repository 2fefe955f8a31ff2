// Service-level objectives: what a run must show to pass.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace capsim::config {

struct LatencyTarget {
  std::optional<double> p50, p95, p99, p999;  // seconds
};

struct FailoverAllowance {
  double max_error_rate = 1.0;         // over the drill's "during" phase
  std::optional<double> max_recovery;  // seconds until the SLO holds again
  std::optional<long long> max_lost_writes;
};

struct Slo {
  std::string file;
  std::string name, description;
  LatencyTarget all;  // applies to every class without its own target
  std::map<std::string, LatencyTarget> classes;
  double max_error_rate = 0.001;  // 0.1%
  double headroom = 0.7;          // utilisation ceiling, as the runbooks use
  FailoverAllowance failover;
};

}  // namespace capsim::config
