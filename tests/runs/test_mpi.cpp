// capsim plan --mpi: the batch executor seam that it plugs into (in process, no MPI needed), and,
// when capsim was built with MPI and there is an mpiexec, `mpiexec -n 2 capsim plan --mpi` against
// the single-process run: the same plan for the same seed. Without MPI, --mpi fails clearly.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runs/wire.hpp"
#include "sim/batch.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::Run;
using capsim::testing::slurp;
namespace sim = capsim::sim;

namespace {

// A replication's result without a simulation: one class whose figures name the run and the
// replication, so that a summary shows which results it was given.
sim::ReplicationResult fake_result(std::size_t run, int replication) {
  sim::ReplicationResult r;
  r.replication = replication;
  r.duration = 10;
  sim::ClassResult c;
  c.name = "r";
  c.completed = 1000 * (run + 1) + static_cast<std::uint64_t>(replication);
  c.latency.add(0.001 * static_cast<double>(run + 1));
  r.classes.push_back(c);
  return r;
}

}  // namespace

TEST_CASE("run_batch runs its replications through the executor it is given, in task order",
          "[mpi]") {
  std::vector<sim::BatchTask> seen;
  sim::Executor execute = [&](const std::vector<sim::BatchRun>&,
                              const std::vector<sim::BatchTask>& tasks) {
    seen = tasks;
    std::vector<sim::ReplicationResult> out;
    for (const auto& t : tasks) out.push_back(fake_result(t.run, t.replication));
    return out;
  };
  auto system = std::make_shared<const sim::Blueprint>();
  std::vector<sim::BatchRun> runs = {{system, {}, {}, 3}, {system, {}, {}, 2}};
  auto summaries = sim::run_batch(runs, execute);
  REQUIRE(seen.size() == 5);
  CHECK((seen[0].run == 0 && seen[0].replication == 0));
  CHECK((seen[2].run == 0 && seen[2].replication == 2));
  CHECK((seen[3].run == 1 && seen[3].replication == 0));
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[0].replications == 3);
  CHECK(summaries[1].replications == 2);
  // Each run got its own results: throughput = completed / duration, replication by replication.
  CHECK(summaries[0].classes[0].throughput.samples == std::vector<double>{100.0, 100.1, 100.2});
  CHECK(summaries[1].classes[0].throughput.samples == std::vector<double>{200.0, 200.1});
}

TEST_CASE("run_batch refuses an executor that loses results", "[mpi]") {
  sim::Executor lossy = [](const std::vector<sim::BatchRun>&, const std::vector<sim::BatchTask>&) {
    return std::vector<sim::ReplicationResult>(1);
  };
  std::vector<sim::BatchRun> runs = {{std::make_shared<const sim::Blueprint>(), {}, {}, 2}};
  CHECK_THROWS_WITH(sim::run_batch(runs, lossy),
                    "the batch executor returned 1 results for 2 replications");
}

TEST_CASE("a replication's wire text reads back exactly", "[mpi]") {
  sim::ReplicationResult r = fake_result(0, 4);
  r.duration = 0.1 + 0.2;  // not representable in few digits
  r.wall_seconds = 1.0 / 3.0;
  r.classes[0].latency.add(std::nextafter(0.25, 1.0));
  sim::ComponentResult c;
  c.name = "db";
  c.kind = "station";
  c.report.utilisation = 2.0 / 3.0;
  c.report.mean_wait = 1e-300;
  c.report.extra["hit_ratio"] = std::sqrt(2.0) / 2;
  r.components.push_back(c);
  r.timeseries.push_back({1.5, "db", "busy", 1.0 / 7.0});
  std::string wire = capsim::runs::result_to_wire(r);
  sim::ReplicationResult back = capsim::runs::result_from_wire(wire);
  CHECK(capsim::runs::result_to_wire(back) == wire);
  CHECK(back.replication == 4);
  CHECK(back.duration == r.duration);
  CHECK(back.components[0].report.utilisation == r.components[0].report.utilisation);
  CHECK(back.components[0].report.extra.at("hit_ratio") == std::sqrt(2.0) / 2);
  CHECK(back.classes[0].latency.max() == r.classes[0].latency.max());
  CHECK(back.timeseries[0].value == 1.0 / 7.0);
  CHECK_THROWS(capsim::runs::result_from_wire("not json"));
}

namespace {

// A command from the repository root; stdout and stderr captured.
[[maybe_unused]] Run run_shell(const std::string& command) {
  fs::path tmp = fs::temp_directory_path() / ("capsim-mpi-test-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string cmd = "cd '" CAPSIM_SOURCE_DIR "' && " + command + " >'" + (tmp / "out").string() +
                    "' 2>'" + (tmp / "err").string() + "' </dev/null";
  int raw = std::system(cmd.c_str());
  Run r{slurp(tmp / "out"), slurp(tmp / "err"), WIFEXITED(raw) ? WEXITSTATUS(raw) : -1};
  fs::remove_all(tmp);
  return r;
}

// A small plan: two periods, one replication per simulation, with its loss drills.
const std::string kPlan =
    "plan topologies/voiceassist.json --traffic experiments/voiceassist-growth.json --horizon 2 "
    "--replications 1 --seed 7 --quiet";

[[maybe_unused]] nlohmann::json without_wall_seconds(nlohmann::json j) {
  if (j.is_object()) {
    j.erase("wall_seconds");
    for (auto& [k, v] : j.items()) v = without_wall_seconds(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = without_wall_seconds(v);
  }
  return j;
}

}  // namespace

#ifdef CAPSIM_MPIEXEC

namespace {

// Open MPI refuses root unless told twice (containers run tests as root), and two ranks may be
// more than the machine's cores. Under the sanitizers (scripts/test.sh's dev build), Open MPI's
// own allocations in MPI_Init, never freed (many from its plugins, unloaded by then, so no
// suppression can name them), would fail the run: leak checks are off in the ranks only; the
// single-process run beside keeps them for capsim's own code.
const std::string kMpiexec =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
    "OMPI_MCA_rmaps_base_oversubscribe=1 ASAN_OPTIONS=detect_leaks=0 '" CAPSIM_MPIEXEC
    "' -n 2 '" CAPSIM_BINARY "' ";

}  // namespace

TEST_CASE("mpiexec -n 2 capsim plan --mpi gives the single-process plan", "[mpi]") {
  fs::path dir = fs::temp_directory_path() / ("capsim-mpi-plan-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Run single = run_shell("'" CAPSIM_BINARY "' " + kPlan + " --format json --out '" +
                         (dir / "single").string() + "'");
  INFO(single.err);
  REQUIRE((single.status == 0 || single.status == 3));
  Run mpi =
      run_shell(kMpiexec + kPlan + " --mpi --format json --out '" + (dir / "mpi").string() + "'");
  INFO(mpi.err);
  CHECK(mpi.status == single.status);
  // One JSON document on stdout: the other rank stays quiet.
  auto a = nlohmann::json::parse(single.out, nullptr, false);
  auto b = nlohmann::json::parse(mpi.out, nullptr, false);
  REQUIRE(!a.is_discarded());
  REQUIRE(!b.is_discarded());
  CHECK(a.at("simulations").get<int>() > 0);
  // Everything but the wall-clock time: setups, costs, simulated percentiles, drills.
  CHECK(without_wall_seconds(a) == without_wall_seconds(b));
  // Rank 0 wrote the files, the same ones.
  auto file_a = nlohmann::json::parse(slurp(dir / "single" / "plan.json"), nullptr, false);
  auto file_b = nlohmann::json::parse(slurp(dir / "mpi" / "plan.json"), nullptr, false);
  CHECK(without_wall_seconds(file_a) == without_wall_seconds(file_b));
  CHECK(slurp(dir / "mpi" / "costs.csv") == slurp(dir / "single" / "costs.csv"));
  fs::remove_all(dir);
}

TEST_CASE("capsim plan --mpi reports a bad input once, with exit 2", "[mpi]") {
  Run r =
      run_shell(kMpiexec + "plan topologies/voiceassist.json --traffic no/such/traffic.json --mpi");
  CHECK(r.status == 2);
  std::string line = "no/such/traffic.json: /: cannot read file: no such file\n";
  auto first = r.err.find(line);
  REQUIRE(first != std::string::npos);
  CHECK(r.err.find(line, first + 1) == std::string::npos);
}

#elif defined(CAPSIM_BUILT_WITHOUT_MPI)

TEST_CASE("capsim plan --mpi says that capsim was built without MPI", "[mpi]") {
  Run r = run_shell("'" CAPSIM_BINARY "' " + kPlan + " --mpi");
  CHECK(r.status == 2);
  CHECK(r.err.rfind("capsim: --mpi: capsim was built without MPI", 0) == 0);
  CHECK(r.out.empty());
}

#endif
