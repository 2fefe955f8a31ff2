// Does a simulated run meet its SLO? Each latency percentile of each request class against its
// target (the class's own, else the SLO's overall one), each class's error rate against the
// ceiling, and each component's utilisation against the headroom rule. A figure breaches when its
// mean over replications exceeds the target; the check also says when the target lies inside the
// figure's 95% confidence interval (more replications would settle it).
#pragma once

#include <string>
#include <vector>

#include "config/slo.hpp"
#include "config/topology.hpp"
#include "sim/summary.hpp"

namespace capsim::analysis {

struct SloCheck {
  std::string subject;  // "read p95", "pg utilisation"
  double value = 0, half_width = 0, target = 0;
  bool pass = true;
  bool uncertain = false;   // the target lies within value ± half_width
  bool is_latency = false;  // seconds; otherwise a fraction (error rate, utilisation)
};

struct SloVerdict {
  bool pass = true;
  std::vector<SloCheck> checks;
};

SloVerdict check_slo(const config::Slo& slo, const sim::RunSummary& run);

}  // namespace capsim::analysis

namespace capsim::analysis {

// A drill against the SLO's failover allowance: the error rate while the fault lasts, the time
// until the SLO holds again (every replication must recover, in time) and the writes lost.
struct FailoverVerdict {
  bool pass = true;
  std::vector<std::string> reasons;  // one line per breach, or what held
};

FailoverVerdict check_failover(const config::Slo& slo, const sim::DrillSummary& drill);

// What "the SLO holds" means inside a drill's recovery search.
sim::RecoveryRule recovery_rule(const config::Slo& slo, const config::Topology& topology);

}  // namespace capsim::analysis
