#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "core/diagnostics.hpp"

using namespace capsim::cli;

int main(int argc, char** argv) {
  CLI::App app{"capsim: a discrete-event capacity simulator and planner for web architectures"};
  app.set_version_flag("--version", std::string("capsim ") + CAPSIM_VERSION);
  app.require_subcommand(1);
  Common common;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--format", common.format, "Output on stdout")
        ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
    cmd->add_option("--out", common.out, "Write all artefacts into this directory");
    cmd->add_flag("--quiet", common.quiet, "No progress on stderr");
  };

  ValidateOptions v;
  auto* validate_cmd = app.add_subcommand(
      "validate", "Check topology, traffic, scenario, catalog and SLO files; print every problem");
  validate_cmd->add_option("files", v.files, "JSON files")->required();
  validate_cmd->add_option("--catalog", v.catalog, "Catalog to resolve instance types against");
  add_common(validate_cmd);

  GraphOptions g;
  auto* graph_cmd =
      app.add_subcommand("graph",
                         "Print the dependency graph (Graphviz DOT) with single points of failure; "
                         "--format json for each component's blast radius");
  graph_cmd->add_option("topology", g.topology, "Topology file")->required();
  add_common(graph_cmd);

  // simulate and drill share their options: a drill is a simulation with a scenario played on it.
  SimulateOptions s;
  CLI::Option* duration_opt = nullptr;
  CLI::Option* sample_opt = nullptr;
  auto add_run_options = [&](CLI::App* cmd) {
    cmd->add_option("topology", s.topology, "Topology file")->required();
    auto* traffic_opt = cmd->add_option("--traffic", s.traffic, "Traffic file (growth curve)");
    auto* rps_opt = cmd->add_option("--rps", s.rps, "Constant Poisson load, requests per second");
    traffic_opt->excludes(rps_opt);
    cmd->add_option("--at", s.at, "Period of the growth curve to simulate (YYYY-MM), at its peak");
    duration_opt = cmd->add_option(
        "--duration", s.duration,
        "Measured simulated time (10m; 24h with --profile day; a drill: its scenario's)");
    cmd->add_option("--profile", s.profile,
                    "peak: the period's peak rate, constant; day: a whole day of the traffic's "
                    "daily profile on its busiest weekday, so that autoscalers act")
        ->check(CLI::IsMember({"peak", "day"}))
        ->capture_default_str();
    cmd->add_option("--warmup", s.warmup, "Simulated time discarded first")->capture_default_str();
    cmd->add_option("--seed", s.seed, "Random seed")->capture_default_str();
    cmd->add_option("--replications", s.replications, "Independent replications")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd->add_option(
        "--ci", s.ci,
        "Run replications until every class's mean latency 95% CI is within this (e.g. 2%)");
    cmd->add_option("--jobs", s.processes, "Processes to run replications on (default: all cores)");
    sample_opt = cmd->add_option("--sample-interval", s.sample_interval,
                                 "Time-series sampling interval (a drill: 1s)")
                     ->capture_default_str();
    cmd->add_option("--catalog", s.catalog, "Instance catalog (default: the bundled one)");
    cmd->add_option("--slo", s.slo,
                    "SLO file: exit 3 when the run misses it (drills: its failover allowance; "
                    "default the bundled experiments/slo-default.json)");
    cmd->add_flag("--report", s.report,
                  "With --out DIR: also write DIR/report.html (capsim report)");
    add_common(cmd);
  };
  auto* sim_cmd = app.add_subcommand("simulate", "Simulate a topology under load");
  add_run_options(sim_cmd);
  CLI::Option* sim_duration = duration_opt;
  CLI::Option* sim_sample = sample_opt;
  sim_cmd->add_option("--scenario", s.scenario, "Scenario file: play its faults during the run");
  auto* drill_cmd = app.add_subcommand(
      "drill", "Play a failover scenario at load: timeline, errors, recovery, lost writes");
  add_run_options(drill_cmd);
  drill_cmd->add_option("--scenario", s.scenario, "Scenario file (faults and their times)")
      ->required();

  PlanCommandOptions pl;
  auto* plan_cmd = app.add_subcommand(
      "plan",
      "For every period of the growth curve: the cheapest setup that meets the SLO with headroom "
      "and survives any single failure, its monthly cost, the changes and the capacity runway");
  plan_cmd
      ->add_option("topology", pl.topology, "Topology file (its \"plan\" keys say what may change)")
      ->required();
  plan_cmd->add_option("--traffic", pl.traffic, "Traffic file (growth curve)")->required();
  plan_cmd->add_option("--catalog", pl.catalog,
                       "Instance catalog with prices (default: the bundled one)");
  plan_cmd->add_option("--slo", pl.slo,
                       "SLO file (default: the bundled experiments/slo-default.json)");
  plan_cmd->add_option(
      "--horizon", pl.horizon,
      "Periods (months) to plan, extending the growth curve (default: the traffic's)");
  plan_cmd->add_option("--replications", pl.replications, "Replications per confirming simulation")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  plan_cmd->add_option("--jobs", pl.processes,
                       "Processes to run simulations on (default: all cores)");
  plan_cmd->add_option("--seed", pl.seed, "Random seed")->capture_default_str();
  plan_cmd->add_flag("--no-drills", pl.no_drills,
                     "Check N+1 with the analytic model only (no loss drills)");
  plan_cmd->add_flag("--report", pl.report, "With --out DIR: also write DIR/report.html");
  plan_cmd->add_flag("--mpi", pl.mpi,
                     "Share the simulations among the ranks of an MPI job (mpirun -n N capsim "
                     "plan --mpi ...); the same plan as without, printed by rank 0");
  add_common(plan_cmd);

  CompareOptions cmp;
  auto* compare_cmd = app.add_subcommand(
      "compare",
      "Topologies side by side at each period's peak: SLO, headroom, monthly cost and the single "
      "failures each survives; exit 3 when the first (the proposal) does not hold");
  compare_cmd->add_option("topologies", cmp.topologies, "Topology files, the proposal first")
      ->required();
  compare_cmd->add_option("--traffic", cmp.traffic, "Traffic file (growth curve)")->required();
  compare_cmd->add_option("--at", cmp.at, "One period (YYYY-MM) instead of every period");
  compare_cmd->add_option("--catalog", cmp.catalog, "Instance catalog (default: the bundled one)");
  compare_cmd->add_option("--slo", cmp.slo,
                          "SLO file (default: the bundled experiments/slo-default.json)");
  compare_cmd->add_option("--replications", cmp.replications, "Replications per simulation")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  compare_cmd->add_option("--jobs", cmp.processes, "Processes (default: all cores)");
  compare_cmd->add_option("--seed", cmp.seed, "Random seed")->capture_default_str();
  compare_cmd->add_flag("--no-drills", cmp.no_drills, "Skip the single-failure drills");
  add_common(compare_cmd);

  ReportOptions r;
  auto* report_cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (inline SVG charts, tables) of a run directory");
  report_cmd->add_option("run_dir", r.run_dir, "Directory a run wrote with --out")->required();
  report_cmd->add_option("-o,--output", r.output, "HTML file (default RUN_DIR/report.html)");
  report_cmd->add_flag("--quiet", common.quiet, "Do not print the path written");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    return status == 0 ? kOk : kBadInput;
  }
  s.duration_given = sim_duration->count() > 0 || duration_opt->count() > 0;
  s.sample_interval_given = sim_sample->count() > 0 || sample_opt->count() > 0;
  s.drill = drill_cmd->parsed();
  try {
    if (*validate_cmd) return validate(v, common);
    if (*graph_cmd) return graph(g, common);
    if (*sim_cmd || *drill_cmd) return simulate(s, common);
    if (*report_cmd) return report(r, common);
    if (*plan_cmd) return plan(pl, common);
    if (*compare_cmd) return compare(cmp, common);
  } catch (const UsageError& e) {
    std::cerr << "capsim: " << e.what() << "\n";
    return kBadInput;
  } catch (const capsim::core::InputError& e) {
    print_problems(e);
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "capsim: internal error: " << e.what() << "\n";
    return kInternalError;
  }
  return kOk;
}
