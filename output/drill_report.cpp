#include "output/drill_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace capsim::output {
namespace {

using Json = nlohmann::json;

struct PhaseFigures {
  double throughput = 0, error_rate = 0, p50 = 0, p95 = 0, p99 = 0;
  std::string top_error;
};

PhaseFigures figures(const sim::Phase& p, const sim::PhaseClass& c) {
  PhaseFigures f;
  double span = p.seconds;
  f.throughput = span > 0 ? static_cast<double>(c.requests - c.failed) / span : 0;
  f.error_rate = c.requests ? static_cast<double>(c.failed) / static_cast<double>(c.requests) : 0;
  if (c.latency.count()) {
    f.p50 = c.latency.quantile(0.50);
    f.p95 = c.latency.quantile(0.95);
    f.p99 = c.latency.quantile(0.99);
  }
  std::uint64_t most = 0;
  for (const auto& [cause, n] : c.errors)
    if (n > most) most = n, f.top_error = cause;
  return f;
}

std::string seconds(double s) {
  if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
  return fmt::format("{:.1f} s", s);
}

}  // namespace

std::vector<sim::Timeline::Event> drill_events(const sim::DrillSummary& d) {
  auto events = d.first.events;
  if (d.first.last_error && *d.first.last_error >= d.first.fault_at)
    events.push_back({*d.first.last_error, "requests", "last error",
                      "the last request that failed arrived " +
                          seconds(*d.first.last_error - d.first.fault_at) + " after the fault"});
  if (d.first.recovered_at)
    events.push_back({*d.first.recovered_at, "slo", "recovered",
                      "the SLO holds again from here on (" +
                          seconds(*d.first.recovered_at - d.first.fault_at) + " after the fault)"});
  else
    events.push_back({d.first.phases.back().to, "slo", "not recovered",
                      "the SLO did not hold again before the end of the drill"});
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  return events;
}

TimelineFile timeline_file(const sim::DrillSummary& d, const DrillInfo& info) {
  TimelineFile f;
  f.scenario = info.scenario;
  f.fault_at_s = d.first.fault_at;
  f.recovered_at_s = d.first.recovered_at;
  if (d.first.recovered_at) f.time_to_recover_s = *d.first.recovered_at - d.first.fault_at;
  f.window_s = d.first.window;
  for (const auto& e : drill_events(d))
    f.events.push_back({e.time, e.component, e.event, e.detail});
  for (const auto& phase : d.phases) {
    TimelineFile::Phase p{phase.name, phase.from, phase.to, {}};
    for (const auto& c : phase.classes) {
      PhaseFigures fig = figures(phase, c);
      p.classes.push_back({c.name, c.requests, fig.throughput, fig.error_rate, c.errors, fig.p50,
                           fig.p95, fig.p99});
    }
    f.phases.push_back(std::move(p));
  }
  f.lost_writes = {d.lost_writes.mean, d.lost_lag};
  f.verdict = TimelineFile::Verdict{info.verdict.pass, info.verdict.reasons};
  auto mean = [](const sim::Estimate& e) {
    return e.samples.empty() ? std::nullopt : std::optional<double>(e.mean);
  };
  f.recovery = {mean(d.recovery), finite_or_none(d.recovery.half_width), d.recovery.samples,
                d.not_recovered};
  f.errors_until = {mean(d.last_error), d.last_error.samples};
  return f;
}

Json timeline_json(const sim::DrillSummary& d, const DrillInfo& info) {
  return timeline_file(d, info);
}

std::string drill_table(const sim::DrillSummary& d, const DrillInfo& info) {
  std::string out;
  out +=
      fmt::format("Drill: {} on {} ({})\n", info.scenario, info.topology_name, info.topology_file);
  out += fmt::format("Load: {:.0f} rps ({}), {} replication{}\n\n", info.rps, info.load_source,
                     info.replications, info.replications == 1 ? "" : "s");
  out += "Timeline (replication 1, seconds from the start of the drill)\n";
  for (const auto& e : drill_events(d))
    out += fmt::format("  {:>7.1f}  {:<10} {:<20} {}\n", e.time, e.component, e.event, e.detail);
  out += fmt::format("\nPhases (over all replications)\n");
  out += fmt::format("  {:<7} {:<16} {:>9} {:>9} {:>8} {:>9} {:>9}  {}\n", "phase", "class",
                     "requests", "ok rps", "errors", "p95", "p99", "main error");
  for (const auto& phase : d.phases)
    for (const auto& c : phase.classes) {
      PhaseFigures f = figures(phase, c);
      out += fmt::format("  {:<7} {:<16} {:>9} {:>9.1f} {:>7.2f}% {:>9} {:>9}  {}\n", phase.name,
                         c.name, c.requests, f.throughput, 100 * f.error_rate,
                         c.latency.count() ? seconds(f.p95) : "-",
                         c.latency.count() ? seconds(f.p99) : "-", f.top_error);
    }
  out += "\n";
  if (!d.recovery.samples.empty()) {
    auto [lo, hi] = std::minmax_element(d.recovery.samples.begin(), d.recovery.samples.end());
    out += fmt::format("Time to recover: {:.1f} s", d.recovery.mean);
    if (d.recovery.samples.size() > 1)
      out += fmt::format(" (mean of {}; 95% CI ± {:.1f} s; range {:.1f} to {:.1f} s)",
                         d.recovery.samples.size(), d.recovery.half_width, *lo, *hi);
    out += "\n";
  }
  if (d.not_recovered)
    out += fmt::format("Not recovered by the end of the drill in {} replication{}\n",
                       d.not_recovered, d.not_recovered == 1 ? "" : "s");
  if (!d.last_error.samples.empty())
    out += fmt::format("Errors until: {:.1f} s after the fault (mean)\n", d.last_error.mean);
  out += fmt::format("Acknowledged writes lost: {:.1f} (mean per drill)", d.lost_writes.mean);
  if (d.lost_lag > 0)
    out += fmt::format(", replication lag at the fault up to {}", seconds(d.lost_lag));
  out += "\n";
  out += fmt::format("Failover allowance: {}\n", info.verdict.pass ? "PASS" : "FAIL");
  for (const auto& r : info.verdict.reasons) out += "  " + r + "\n";
  return out;
}

std::string drill_markdown(const sim::DrillSummary& d, const DrillInfo& info) {
  std::string out = fmt::format("# Drill: {}\n\n{} ({}), {:.0f} rps ({})\n\n", info.scenario,
                                info.topology_name, info.topology_file, info.rps, info.load_source);
  out += "| time (s) | component | event | detail |\n|---:|---|---|---|\n";
  for (const auto& e : drill_events(d))
    out += fmt::format("| {:.1f} | {} | {} | {} |\n", e.time, e.component, e.event, e.detail);
  out +=
      "\n| phase | class | requests | ok rps | error rate | p95 | p99 "
      "|\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& phase : d.phases)
    for (const auto& c : phase.classes) {
      PhaseFigures f = figures(phase, c);
      out +=
          fmt::format("| {} | {} | {} | {:.1f} | {:.2f}% | {} | {} |\n", phase.name, c.name,
                      c.requests, f.throughput, 100 * f.error_rate, seconds(f.p95), seconds(f.p99));
    }
  out += fmt::format("\n**Failover allowance: {}**\n\n", info.verdict.pass ? "PASS" : "FAIL");
  for (const auto& r : info.verdict.reasons) out += "- " + r + "\n";
  return out;
}

}  // namespace capsim::output
