// Independent replications of one run, forked over all cores, until there are enough: the
// requested number, or (with a precision target) until every request class's mean latency is
// known to within it.
#pragma once

#include <functional>
#include <optional>

#include "config/topology.hpp"
#include "sim/summary.hpp"

namespace capsim::runs {

struct ReplicationPlan {
  int replications = 5;
  int processes = 0;                // 0 = all cores
  std::optional<double> ci_target;  // relative half-width of every class's mean latency
  int max_replications = 50;
  std::function<void(int done, int planned)> progress;
};

// Throws std::runtime_error if a replication fails.
sim::RunSummary run_replications(const sim::Blueprint& system, const sim::LoadSpec& load,
                                 const sim::RunSpec& run, const ReplicationPlan& plan);
// The same for a topology, its models from the kind registry.
sim::RunSummary run_replications(const config::Topology& topology, const sim::LoadSpec& load,
                                 const sim::RunSpec& run, const ReplicationPlan& plan);

}  // namespace capsim::runs
