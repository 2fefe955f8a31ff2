#include "runs/fork.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "runs/fork_child.hpp"
#include "runs/wire.hpp"

namespace capsim::runs {

using namespace sim;

int processes_or_cores(int processes) {
  return processes > 0 ? processes
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<ReplicationResult> run_tasks(const std::vector<BatchRun>& runs,
                                         const std::vector<BatchTask>& tasks, int processes) {
  processes = processes_or_cores(processes);
  std::vector<ReplicationResult> results;
  results.reserve(tasks.size());
  for (std::size_t next = 0; next < tasks.size();) {
    std::vector<Child> running;
    for (; next < tasks.size() && static_cast<int>(running.size()) < processes; ++next) {
      const BatchRun& b = runs.at(tasks[next].run);
      running.push_back(spawn(*b.system, b.load, b.run, tasks[next].replication));
    }
    for (auto& child : running) results.push_back(collect(child));
  }
  return results;
}

Executor fork_executor(int processes) {
  return [processes](const std::vector<BatchRun>& runs, const std::vector<BatchTask>& tasks) {
    return run_tasks(runs, tasks, processes);
  };
}

}  // namespace capsim::runs
