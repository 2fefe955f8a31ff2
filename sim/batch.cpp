#include "sim/batch.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace capsim::sim {

std::vector<RunSummary> run_batch(const std::vector<BatchRun>& runs, const Executor& execute) {
  std::vector<BatchTask> tasks;
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (int r = 0; r < runs[i].replications; ++r) tasks.push_back({i, r});
  std::vector<ReplicationResult> done = execute(runs, tasks);
  if (done.size() != tasks.size())
    throw std::runtime_error("the batch executor returned " + std::to_string(done.size()) +
                             " results for " + std::to_string(tasks.size()) + " replications");
  // Each run's replications in order, whichever order they finished in: the summary depends on
  // the results only, never on who ran them.
  std::vector<std::vector<ReplicationResult>> results(runs.size());
  for (std::size_t t = 0; t < tasks.size(); ++t)
    results[tasks[t].run].push_back(std::move(done[t]));
  std::vector<RunSummary> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::sort(results[i].begin(), results[i].end(),
              [](const auto& a, const auto& b) { return a.replication < b.replication; });
    out.push_back(summarise(results[i], runs[i].run));
  }
  return out;
}

}  // namespace capsim::sim
