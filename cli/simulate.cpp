// capsim simulate TOPOLOGY (--traffic T [--at P] | --rps N): replications of the topology under
// open Poisson (or MMPP) load, reported per request class and per component.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
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

}  // namespace

int simulate(const SimulateOptions& o, const Common& common) {
  if (o.report && common.out.empty())
    throw UsageError(
        "--report: the report is written into the run directory (expected --out DIR too)");
  std::optional<config::Catalog> catalog;
  std::string catalog_path = o.catalog.empty() ? default_catalog_path() : o.catalog;
  if (!catalog_path.empty()) catalog = config::load_catalog(catalog_path);
  config::Topology topology = load_checked_topology(o.topology, catalog ? &*catalog : nullptr);
  std::optional<config::Scenario> scenario;
  if (!o.scenario.empty()) {
    scenario = models::load_scenario(o.scenario);
    config::ReadContext ctx{o.scenario, {}};
    config::check_scenario_against(*scenario, topology, models::syntax(), ctx);
    if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  } else if (o.drill) {
    throw UsageError("drill: no scenario given (expected --scenario FILE)");
  }
  // A drill judges recovery by an SLO: the given one, else the bundled default.
  std::string slo_path = o.slo.empty() && scenario ? default_slo_path() : o.slo;
  std::optional<config::Slo> slo;
  if (!slo_path.empty()) {
    slo = config::load_slo(slo_path);
    config::ReadContext ctx{slo_path, {}};
    config::check_slo_against(*slo, topology, ctx);
    if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  }

  sim::LoadSpec load;
  output::RunInfo info;
  info.topology_name = topology.name;
  info.topology_file = o.topology;
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

  sim::RunSpec run;
  sim::Scenario played;  // the scenario as the engine plays it
  run.duration = duration_option(
      "--duration", o.duration_given || o.profile != "day" ? o.duration : "24h", false);
  run.warmup = duration_option("--warmup", o.warmup, true);
  load.day_starts_at = run.warmup;
  run.sample_interval = duration_option("--sample-interval", o.sample_interval, false);
  if (scenario) {
    // The drill runs as long as the scenario says (else 10 minutes past its last action), and
    // its time series is per second so that the outage shows.
    if (!o.duration_given)
      run.duration = scenario->duration.value_or(scenario->actions.back().at + 600);
    if (run.duration <= scenario->actions.front().at)
      throw UsageError("--duration: the drill ends before its first action at " +
                       std::to_string(scenario->actions.front().at) + " s");
    if (!o.sample_interval_given) run.sample_interval = 1;
    played = models::scenario(*scenario);
    run.drill.scenario = &played;
    run.drill.rule = analysis::recovery_rule(*slo, topology);
  }
  run.seed = o.seed;
  runs::ReplicationPlan plan;
  plan.replications = o.replications;
  plan.processes = o.processes;
  if (!o.ci.empty()) {
    core::Parsed p = core::parse_percent(o.ci);
    if (!p.error.empty() || p.value <= 0 || p.value >= 1)
      throw UsageError("--ci: \"" + o.ci + "\" is not a precision target (expected e.g. \"2%\")");
    plan.ci_target = p.value;
  }
  bool show_progress = !common.quiet && isatty(STDERR_FILENO);
  if (show_progress)
    plan.progress = [start = std::chrono::steady_clock::now()](int done, int planned) {
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "\r\033[Kreplications " << done << "/" << planned;
      if (done > 0 && done < planned)
        std::cerr << ", ETA " << static_cast<int>(elapsed / done * (planned - done) + 0.5) << " s";
      std::cerr << std::flush;
    };
  sim::RunSummary summary = runs::run_replications(*models::blueprint(topology), load, run, plan);
  if (show_progress) std::cerr << "\r" << std::string(40, ' ') << "\r";
  std::optional<output::DrillInfo> drill;
  if (scenario) {
    drill.emplace();
    drill->scenario = scenario->name;
    drill->scenario_file = o.scenario;
    drill->topology_name = topology.name;
    drill->topology_file = o.topology;
    drill->load_source = info.load_source;
    drill->rps = load.rps;
    drill->replications = summary.replications;
    drill->verdict = analysis::check_failover(*slo, *summary.drill);
  } else if (slo) {
    info.slo_file = o.slo;
    info.slo = analysis::check_slo(*slo, summary);
  }
  if (o.drill) info.command = "drill";

  if (!common.out.empty()) {
    nlohmann::json inputs = {
        {"topology", file_json(o.topology)},
        {"load",
         {{"rps", load.rps}, {"arrival", load.arrival.process}, {"source", info.load_source}}},
        {"duration_s", run.duration},
        {"warmup_s", run.warmup},
        {"sample_interval_s", run.sample_interval}};
    if (!o.traffic.empty()) inputs["traffic"] = file_json(o.traffic);
    if (scenario) inputs["scenario"] = file_json(o.scenario);
    if (slo) inputs["slo"] = file_json(slo_path);
    output::write_run_dir(common.out, summary, info, inputs);
    if (drill) {
      output::write_file(std::filesystem::path(common.out) / "timeline.json",
                         output::timeline_json(*summary.drill, *drill).dump(2) + "\n");
      output::write_file(std::filesystem::path(common.out) / "drill.md",
                         output::drill_markdown(*summary.drill, *drill));
    }
    if (o.report) output::write_html_report(common.out);
  }
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

}  // namespace capsim::cli
