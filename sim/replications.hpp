// Independent replications, one SimGrid engine per forked process (docs/ENGINE.md: one engine per
// process), run over all cores; then the figures across replications with 95% confidence
// intervals (Student t). Replication i always uses seed mix(seed, i), so results do not depend on
// how many processes ran them.
#pragma once

#include <functional>
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

struct ReplicationPlan {
  int replications = 5;
  int processes = 0;                // 0 = all cores
  std::optional<double> ci_target;  // relative half-width of every class's mean latency
  int max_replications = 50;
  std::function<void(int done, int planned)> progress;
};

Estimate estimate(std::vector<double> samples);

// Runs the replications in child processes; throws std::runtime_error if one fails.
RunSummary run_replications(const config::Topology& topology, const LoadSpec& load,
                            const RunSpec& run, const ReplicationPlan& plan);

// Several runs (different topologies, loads or scenarios) with their replications spread over
// `processes` child processes at once (0 = all cores): how the planner fans candidates out.
struct BatchRun {
  const config::Topology* topology;
  LoadSpec load;
  RunSpec run;
  int replications = 1;
};
std::vector<RunSummary> run_batch(const std::vector<BatchRun>& runs, int processes);

// The seam through which run_batch runs its replications, so that another executor (capsim plan
// --mpi spreads them over MPI ranks) can take over without sim/ knowing about it. A task is one
// replication of one run; every replication keeps its own seed, so who runs it does not matter.
struct BatchTask {
  std::size_t run = 0;  // index into the batch's runs
  int replication = 0;
};
// Runs `tasks` in forked children, at most `processes` at once (0 = all cores); their results in
// the order of `tasks`. Throws std::runtime_error if one fails.
std::vector<ReplicationResult> run_tasks(const std::vector<BatchRun>& runs,
                                         const std::vector<BatchTask>& tasks, int processes);
// An executor must return every task's result in the order of `tasks` (as run_tasks does), and
// throw the same error on every process that shares the work when one fails.
using BatchExecutor = std::function<std::vector<ReplicationResult>(
    const std::vector<BatchRun>& runs, const std::vector<BatchTask>& tasks, int processes)>;
// Installs the executor run_batch uses from now on; an empty one restores run_tasks.
void set_batch_executor(BatchExecutor executor);

// A replication's result as JSON text and back: how children send theirs to the parent, and how
// other executors ship them. Exact: doubles are printed with enough digits to read back the same.
std::string result_to_wire(const ReplicationResult& result);
ReplicationResult result_from_wire(const std::string& text);

// The same, in this process (for one replication, or tools that must not fork). Only one such call
// per process: SimGrid allows one engine per process.
RunSummary summarise(const std::vector<ReplicationResult>& results, const RunSpec& run);

}  // namespace capsim::sim
