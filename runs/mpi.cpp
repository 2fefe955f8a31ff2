#include "runs/mpi.hpp"

#include <stdexcept>

#ifdef CAPSIM_MPI
// Open MPI's mpi.h pulls in its deprecated C++ bindings (another library to link) unless told not
// to; capsim uses the C API only.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <fcntl.h>
#include <mpi.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runs/fork.hpp"
#include "runs/wire.hpp"
#endif

namespace capsim::runs {

#ifndef CAPSIM_MPI

MpiSession::MpiSession() {
  throw UsageError(
      "--mpi: capsim was built without MPI (install libopenmpi-dev and openmpi-bin, e.g. with "
      "scripts/install-deps.sh, then configure and build again)");
}

MpiSession::~MpiSession() = default;

#else

namespace {

using Json = nlohmann::json;

// How many simulations one rank runs at once without --jobs: the cores it may use. mpirun binds
// each rank to a core by default (with up to two ranks) and forked children inherit the binding,
// so more children than that would only share the core; unbound, the ranks on one machine share
// its cores.
int default_processes(int ranks_on_this_machine) {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int allowed = cores;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) allowed = std::max(1, CPU_COUNT(&set));
  return std::max(1, std::min(allowed, cores / std::max(1, ranks_on_this_machine)));
}

// Rank r runs tasks r, r + size, r + 2 size, ... (each in a forked child, as without MPI: SimGrid
// allows one engine per process), then every rank gets every rank's results (MPI_Allgatherv of
// their wire text) and puts them back in task order. A failure anywhere becomes the same error on
// every rank (the first failing rank's), so that no rank waits for the others in a collective.
std::vector<sim::ReplicationResult> execute(const std::vector<sim::BatchRun>& runs,
                                            const std::vector<sim::BatchTask>& tasks, int processes,
                                            int rank, int size) {
  std::vector<sim::BatchTask> mine;
  for (std::size_t t = static_cast<std::size_t>(rank); t < tasks.size();
       t += static_cast<std::size_t>(size))
    mine.push_back(tasks[t]);
  std::string bytes;
  try {
    Json payload = Json::array();
    for (const auto& r : run_tasks(runs, mine, processes)) payload.push_back(result_to_wire(r));
    bytes = payload.dump();
  } catch (const std::exception& e) {
    bytes = Json{{"error", e.what()}}.dump();
  }
  if (bytes.size() > static_cast<std::size_t>(INT_MAX))  // MPI counts are ints
    bytes = Json{{"error", "its results exceed 2 GiB"}}.dump();

  int length = static_cast<int>(bytes.size());
  std::vector<int> lengths(static_cast<std::size_t>(size));
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
  long long total = 0;
  for (int l : lengths) total += l;
  // Every rank sees the same lengths, so every rank stops here alike.
  if (total > INT_MAX)
    throw std::runtime_error("--mpi: one batch's results exceed 2 GiB (run fewer replications)");
  std::vector<int> offsets(static_cast<std::size_t>(size));
  for (int r = 1; r < size; ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Allgatherv(bytes.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                 MPI_CHAR, MPI_COMM_WORLD);

  std::vector<sim::ReplicationResult> results(tasks.size());
  for (int r = 0; r < size; ++r) {
    auto from = all.begin() + offsets[r];
    Json j = Json::parse(from, from + lengths[r], nullptr, false);
    std::string who = "MPI rank " + std::to_string(r);
    if (j.is_discarded()) throw std::runtime_error(who + " sent no results");
    if (j.is_object()) throw std::runtime_error(who + ": " + j.value("error", "failed"));
    std::size_t expected = tasks.size() > static_cast<std::size_t>(r)
                               ? (tasks.size() - static_cast<std::size_t>(r) + size - 1) /
                                     static_cast<std::size_t>(size)
                               : 0;
    if (!j.is_array() || j.size() != expected)
      throw std::runtime_error(who + " sent " + std::to_string(j.size()) + " results for " +
                               std::to_string(expected) + " replications");
    for (std::size_t k = 0; k < j.size(); ++k)
      results[static_cast<std::size_t>(r) + k * static_cast<std::size_t>(size)] =
          result_from_wire(j[k].get_ref<const std::string&>());
  }
  return results;
}

}  // namespace

MpiSession::MpiSession() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  // MPI may be initialised once per process: one session, one command.
  if (initialised) throw std::logic_error("MPI is already initialised in this process");
  // Errors abort the whole job (MPI's default handler), so no rank is left waiting for another.
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm machine;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &machine);
  int on_this_machine = 1;
  MPI_Comm_size(machine, &on_this_machine);
  MPI_Comm_free(&machine);
  default_processes_ = default_processes(on_this_machine);
  if (rank_ != 0) {
    std::fflush(nullptr);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      close(null);
    }
  }
}

MpiSession::~MpiSession() {
  std::fflush(nullptr);
  MPI_Finalize();
}

bool MpiSession::available() {
  return true;
}

sim::Executor MpiSession::executor(int processes) const {
  int rank = rank_, size = size_, per_rank = processes > 0 ? processes : default_processes_;
  return [rank, size, per_rank](const std::vector<sim::BatchRun>& runs,
                                const std::vector<sim::BatchTask>& tasks) {
    return execute(runs, tasks, per_rank, rank, size);
  };
}

#endif

}  // namespace capsim::runs
