#include "runs/replications.hpp"

#include <algorithm>
#include <vector>

#include "models/blueprint.hpp"
#include "runs/fork.hpp"
#include "runs/fork_child.hpp"

namespace capsim::runs {

using namespace sim;

RunSummary run_replications(const Blueprint& system, const LoadSpec& load, const RunSpec& run,
                            const ReplicationPlan& plan) {
  int processes = processes_or_cores(plan.processes);
  std::vector<ReplicationResult> results;
  int planned = std::max(plan.replications, plan.ci_target ? 2 : 1);
  int next = 0;
  for (;;) {
    while (next < planned) {
      std::vector<Child> running;
      int batch_end = std::min(planned, next + processes);
      for (int r = next; r < batch_end; ++r) running.push_back(spawn(system, load, run, r));
      for (auto& c : running) results.push_back(collect(c));
      next = batch_end;
      if (plan.progress) plan.progress(next, planned);
    }
    if (!plan.ci_target || next >= plan.max_replications) break;
    // Enough when every class's mean latency is known to within the target (relative half-width).
    RunSummary s = summarise(results, run);
    bool precise = true;
    for (const auto& c : s.classes)
      if (!(c.mean.half_width <= *plan.ci_target * c.mean.mean)) precise = false;
    if (precise) break;
    planned = std::min(plan.max_replications, next + processes);
  }
  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.replication < b.replication; });
  return summarise(results, run);
}

RunSummary run_replications(const config::Topology& topology, const LoadSpec& load,
                            const RunSpec& run, const ReplicationPlan& plan) {
  return run_replications(*models::blueprint(topology), load, run, plan);
}

}  // namespace capsim::runs
