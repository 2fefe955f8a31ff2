// Several runs (different systems, loads or scenarios) at once, their replications spread over
// whatever runs them: how the planner fans candidates out. sim/ does not fork or talk MPI: an
// Executor (runs/fork.hpp, runs/mpi.hpp) runs the replications, and run_batch summarises them.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "sim/summary.hpp"

namespace capsim::sim {

struct BatchRun {
  std::shared_ptr<const Blueprint> system;
  LoadSpec load;
  RunSpec run;
  int replications = 1;
};

// One replication of one run. Every replication keeps its own seed, so who runs it does not
// matter.
struct BatchTask {
  std::size_t run = 0;  // index into the batch's runs
  int replication = 0;
};

// Runs the tasks and returns every task's result in the order of `tasks`. When one fails it
// throws std::runtime_error, the same one on every process that shares the work.
using Executor = std::function<std::vector<ReplicationResult>(const std::vector<BatchRun>& runs,
                                                              const std::vector<BatchTask>& tasks)>;

// Every run's replications through `execute`, each run summarised (replications in order).
std::vector<RunSummary> run_batch(const std::vector<BatchRun>& runs, const Executor& execute);

}  // namespace capsim::sim
