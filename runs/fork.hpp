// Replications in forked child processes: SimGrid allows one engine per process (docs/ENGINE.md),
// so each replication runs in a child of its own, which sends its result back through a pipe.
#pragma once

#include <vector>

#include "sim/batch.hpp"

namespace capsim::runs {

// All cores when `processes` <= 0.
int processes_or_cores(int processes);

// Runs `tasks` at most `processes` at once (0 = all cores); their results in the order of `tasks`.
// Throws std::runtime_error if one fails.
std::vector<sim::ReplicationResult> run_tasks(const std::vector<sim::BatchRun>& runs,
                                              const std::vector<sim::BatchTask>& tasks,
                                              int processes);

// run_tasks as the executor sim::run_batch takes.
sim::Executor fork_executor(int processes);

}  // namespace capsim::runs
