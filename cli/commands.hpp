// The command-line front: each command is a function from parsed options to an exit status.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"

namespace capsim::cli {

// Exit statuses, documented in README.md.
enum Exit : int {
  kOk = 0,
  kInternalError = 1,
  kBadInput = 2,
  kSloBreached = 3,  // the simulated system misses its SLO (for CI gates, like k6 thresholds)
};

struct Common {
  std::string format = "table";  // table | json | csv | markdown
  std::string out;               // --out DIR
  bool quiet = false;
};

struct ValidateOptions {
  std::vector<std::string> files;
  std::string catalog;
};
int validate(const ValidateOptions& o, const Common& common);

struct GraphOptions {
  std::string topology;
};
int graph(const GraphOptions& o, const Common& common);

struct SimulateOptions {
  std::string topology, traffic, at, scenario, slo, catalog;
  double rps = 0;
  std::string duration = "10m", warmup = "1m", sample_interval = "10s", ci;
  std::string profile = "peak";  // peak | day
  bool duration_given = false, sample_interval_given = false;
  bool drill = false;   // `capsim drill`: the scenario is the point, its report comes first
  bool report = false;  // --report: with --out, also write DIR/report.html
  unsigned long long seed = 1;
  int replications = 5, processes = 0;
};
int simulate(const SimulateOptions& o, const Common& common);

struct ReportOptions {
  std::string run_dir;
  std::string output;  // -o FILE; default RUN_DIR/report.html
};
// Prints the path written on stdout (not with --quiet). A missing or broken run directory is an
// input error (exit 2).
int report(const ReportOptions& o, const Common& common);

struct PlanCommandOptions {
  std::string topology, traffic, catalog, slo;
  int horizon = 0;
  int replications = 2, processes = 0;
  unsigned long long seed = 1;
  bool no_drills = false, report = false;
  bool mpi = false;  // --mpi: share the simulations among the ranks of an MPI job (cli/mpi.hpp)
};
int plan(const PlanCommandOptions& o, const Common& common);

struct CompareOptions {
  std::vector<std::string> topologies;
  std::string traffic, catalog, slo, at;
  int replications = 2, processes = 0;
  unsigned long long seed = 1;
  bool no_drills = false;
};
int compare(const CompareOptions& o, const Common& common);

// A bad command-line value: printed as "capsim: --option: message", exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Prints every problem of an input error to stderr, one line each.
void print_problems(const std::exception& e);
std::string default_catalog_path();
// --at YYYY-MM: a month within the traffic's growth curve, else a UsageError.
int period_option(const std::string& at, const config::Traffic& traffic);
// An input file as JSON, for run.json's record of the inputs (null when unreadable).
nlohmann::json file_json(const std::string& path);
// The bundled SLO (experiments/slo-default.json) that drills judge recovery by without --slo.
std::string default_slo_path();
// The topology with the graph's errors (call cycles) turned into input errors too.
config::Topology load_checked_topology(const std::string& path, const config::Catalog* catalog);

}  // namespace capsim::cli
