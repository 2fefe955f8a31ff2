// capsim simulate TOPOLOGY (--traffic T [--at P] | --rps N) and capsim drill: replications of the
// topology under open Poisson (or MMPP) load, reported per request class and per component; with
// a scenario, its faults played and the drill analysed. The steps: load the inputs, build the load
// and the run, run the replications, write and print.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "config/load.hpp"
#include "core/units.hpp"
#include "models/blueprint.hpp"
#include "models/registry.hpp"
#include "output/drill_report.hpp"
#include "output/html_report.hpp"
#include "output/report.hpp"
#include "runs/replications.hpp"
#include "sim/summary.hpp"

namespace capsim::cli {
namespace {

double duration_option(const std::string& name, const std::string& text, bool allow_zero) {
  core::Parsed p = core::parse_duration(text);
  if (!p.error.empty()) throw UsageError(name + ": " + p.error);
  if (p.value < 0 || (!allow_zero && p.value == 0))
    throw UsageError(name + ": \"" + text + "\" must be greater than 0");
  if (p.value > 365 * 86400.0)
    throw UsageError(name + ": \"" + text + "\" is too long (expected at most a year)");
  return p.value;
}

// ---- 1. the inputs ------------------------------------------------------------------------------

struct Inputs {
  config::Topology topology;
  std::optional<config::Scenario> scenario;
  std::string slo_path;  // a drill judges recovery by an SLO: the given one, else the bundled one
  std::optional<config::Slo> slo;
};

Inputs load_inputs(const SimulateOptions& o) {
  Inputs in;
  auto catalog = load_catalog_if_any(o.catalog);
  in.topology = load_checked_topology(o.topology, catalog ? &catalog->catalog : nullptr);
  if (!o.scenario.empty()) {
    in.scenario = models::load_scenario(o.scenario);
    config::ReadContext ctx{o.scenario, {}};
    config::check_scenario_against(*in.scenario, in.topology, models::syntax(), ctx);
    if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  } else if (o.drill) {
    throw UsageError("drill: no scenario given (expected --scenario FILE)");
  }
  if (!o.slo.empty() || in.scenario) {
    SloInput slo = load_slo_input(o.slo, {&in.topology});
    in.slo_path = slo.path;
    in.slo = std::move(slo.slo);
  }
  return in;
}

// ---- 2. the load and the run ------------------------------------------------------------------

// The arrival rate (a period's peak, a day's profile or --rps) and where it comes from.
sim::LoadSpec build_load(const SimulateOptions& o, output::RunInfo& info) {
  sim::LoadSpec load;
  if (!o.traffic.empty()) {
    config::Traffic traffic = config::load_traffic(o.traffic);
    int month = traffic.start_month;
    if (!o.at.empty()) month = period_option(o.at, traffic);
    load.arrival = models::arrivals(traffic.arrival);
    if (o.profile == "day") {
      // The busiest weekday of the month, hour by hour (one-off events are left out).
      load.rps =
          traffic.mean_rps(month) * *std::max_element(traffic.weekly.begin(), traffic.weekly.end());
      load.hourly.assign(traffic.hourly.begin(), traffic.hourly.end());
      info.load_source = o.traffic + " at " + core::format_month(month) + " (a day, mean rate)";
    } else {
      load.rps = traffic.peak_rps(month);
      info.load_source = o.traffic + " at " + core::format_month(month) + " (peak)";
    }
  } else if (o.profile == "day") {
    throw UsageError("--profile day: needs a daily profile (expected --traffic FILE)");
  } else if (o.rps > 0) {
    if (!std::isfinite(o.rps) || o.rps > 1e7)
      throw UsageError("--rps: " + std::to_string(o.rps) +
                       " is out of range (expected at most 10,000,000)");
    load.rps = o.rps;
    info.load_source = "--rps";
  } else if (o.rps < 0 || o.rps == 0) {
    throw UsageError(o.rps < 0 ? "--rps: must be greater than 0"
                               : "no load given (expected --traffic FILE or --rps N)");
  }
  info.rps = load.rps;
  info.arrival = load.arrival.process;
  return load;
}

// How long to run and sample; with a scenario, the drill's length and the scenario as the engine
// plays it (`played` must outlive the run).
sim::RunSpec build_run(const SimulateOptions& o, const Inputs& in, sim::LoadSpec& load,
                       sim::Scenario& played) {
  sim::RunSpec run;
  run.duration = duration_option(
      "--duration", o.duration_given || o.profile != "day" ? o.duration : "24h", false);
  run.warmup = duration_option("--warmup", o.warmup, true);
  load.day_starts_at = run.warmup;
  run.sample_interval = duration_option("--sample-interval", o.sample_interval, false);
  if (in.scenario) {
    const config::Scenario& scenario = *in.scenario;
    // The drill runs as long as the scenario says (else 10 minutes past its last action), and
    // its time series is per second so that the outage shows.
    if (!o.duration_given)
      run.duration = scenario.duration.value_or(scenario.actions.back().at + 600);
    if (run.duration <= scenario.actions.front().at)
      throw UsageError("--duration: the drill ends before its first action at " +
                       std::to_string(scenario.actions.front().at) + " s");
    if (!o.sample_interval_given) run.sample_interval = 1;
    played = models::scenario(scenario);
    run.drill.scenario = &played;
    run.drill.rule = analysis::recovery_rule(*in.slo, in.topology);
  }
  run.seed = o.seed;
  return run;
}

runs::ReplicationPlan replication_plan(const SimulateOptions& o, const Common& common) {
  runs::ReplicationPlan plan;
  plan.replications = o.replications;
  plan.processes = o.processes;
  if (!o.ci.empty()) {
    core::Parsed p = core::parse_percent(o.ci);
    if (!p.error.empty() || p.value <= 0 || p.value >= 1)
      throw UsageError("--ci: \"" + o.ci + "\" is not a precision target (expected e.g. \"2%\")");
    plan.ci_target = p.value;
  }
  if (!common.quiet && isatty(STDERR_FILENO))
    plan.progress = [start = std::chrono::steady_clock::now()](int done, int planned) {
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "\r\033[Kreplications " << done << "/" << planned;
      if (done > 0 && done < planned)
        std::cerr << ", ETA " << static_cast<int>(elapsed / done * (planned - done) + 0.5) << " s";
      std::cerr << std::flush;
    };
  return plan;
}

// ---- 3. the verdicts ----------------------------------------------------------------------------

std::optional<output::DrillInfo> drill_info(const SimulateOptions& o, const Inputs& in,
                                            const output::RunInfo& info, double rps,
                                            const sim::RunSummary& summary) {
  if (!in.scenario) return std::nullopt;
  output::DrillInfo d;
  d.scenario = in.scenario->name;
  d.scenario_file = o.scenario;
  d.topology_name = in.topology.name;
  d.topology_file = o.topology;
  d.load_source = info.load_source;
  d.rps = rps;
  d.replications = summary.replications;
  d.verdict = analysis::check_failover(*in.slo, *summary.drill);
  return d;
}

// ---- 4. writing and printing
// ----------------------------------------------------------------------

void write_run(const SimulateOptions& o, const Common& common, const Inputs& in,
               const sim::LoadSpec& load, const sim::RunSpec& run, const sim::RunSummary& summary,
               const output::RunInfo& info, const std::optional<output::DrillInfo>& drill) {
  nlohmann::json inputs = {
      {"topology", file_json(o.topology)},
      {"load",
       {{"rps", load.rps}, {"arrival", load.arrival.process}, {"source", info.load_source}}},
      {"duration_s", run.duration},
      {"warmup_s", run.warmup},
      {"sample_interval_s", run.sample_interval}};
  if (!o.traffic.empty()) inputs["traffic"] = file_json(o.traffic);
  if (in.scenario) inputs["scenario"] = file_json(o.scenario);
  if (in.slo) inputs["slo"] = file_json(in.slo_path);
  output::write_run_dir(common.out, summary, info, inputs);
  if (drill) {
    output::write_file(std::filesystem::path(common.out) / "timeline.json",
                       output::timeline_json(*summary.drill, *drill).dump(2) + "\n");
    output::write_file(std::filesystem::path(common.out) / "drill.md",
                       output::drill_markdown(*summary.drill, *drill));
  }
  if (o.report) output::write_html_report(common.out);
}

int print_run(const SimulateOptions& o, const Common& common, const sim::RunSummary& summary,
              const output::RunInfo& info, const std::optional<output::DrillInfo>& drill) {
  if (drill && o.drill) {
    if (common.format == "json")
      std::cout << output::timeline_json(*summary.drill, *drill).dump(2) << "\n";
    else if (common.format == "markdown")
      std::cout << output::drill_markdown(*summary.drill, *drill);
    else if (common.format == "csv")
      std::cout << output::summary_csv(summary);
    else
      std::cout << output::drill_table(*summary.drill, *drill);
    return drill->verdict.pass ? kOk : kSloBreached;
  }
  if (drill && common.format == "table") {
    std::cout << output::summary_table(summary, info) << "\n"
              << output::drill_table(*summary.drill, *drill);
    return drill->verdict.pass ? kOk : kSloBreached;
  }
  if (common.format == "json")
    std::cout << output::summary_json(summary, info).dump(2) << "\n";
  else if (common.format == "csv")
    std::cout << output::summary_csv(summary);
  else if (common.format == "markdown")
    std::cout << output::summary_markdown(summary, info);
  else
    std::cout << output::summary_table(summary, info);
  return info.slo && !info.slo->pass ? kSloBreached : kOk;
}

}  // namespace

int simulate(const SimulateOptions& o, const Common& common) {
  if (o.report && common.out.empty())
    throw UsageError(
        "--report: the report is written into the run directory (expected --out DIR too)");
  Inputs in = load_inputs(o);
  output::RunInfo info;
  info.topology_name = in.topology.name;
  info.topology_file = o.topology;
  sim::LoadSpec load = build_load(o, info);
  sim::Scenario played;  // the scenario as the engine plays it
  sim::RunSpec run = build_run(o, in, load, played);
  runs::ReplicationPlan plan = replication_plan(o, common);

  sim::RunSummary summary =
      runs::run_replications(*models::blueprint(in.topology), load, run, plan);
  if (plan.progress) std::cerr << "\r" << std::string(40, ' ') << "\r";

  auto drill = drill_info(o, in, info, load.rps, summary);
  if (!drill && in.slo) {
    info.slo_file = o.slo;
    info.slo = analysis::check_slo(*in.slo, summary);
  }
  if (o.drill) info.command = "drill";
  if (!common.out.empty()) write_run(o, common, in, load, run, summary, info, drill);
  return print_run(o, common, summary, info, drill);
}

}  // namespace capsim::cli
