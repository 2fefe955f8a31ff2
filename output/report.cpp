#include "output/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/units.hpp"

namespace capsim::output {
namespace {

using Json = nlohmann::json;

SummaryFile::Estimate estimate(const sim::Estimate& e) {
  return {e.mean, finite_or_none(e.half_width)};
}

std::string pm(const sim::Estimate& e, double scale, const char* unit, int digits = 1) {
  if (!std::isfinite(e.half_width)) return fmt::format("{:.{}f}{}", e.mean * scale, digits, unit);
  return fmt::format("{:.{}f}±{:.{}f}{}", e.mean * scale, digits, e.half_width * scale, digits,
                     unit);
}

std::string ms(double seconds) {
  return fmt::format("{:.1f}", seconds * 1e3);
}

std::string notes(const sim::ComponentSummary& c) {
  std::string n;
  for (const auto& [key, e] : c.extra) {
    if (e.mean == 0) continue;
    if (key == "refused" || key == "rejected" || key == "query_wait_timeouts" ||
        key == "timeouts" || key == "refused_connections" || key == "pool_waits" ||
        key == "retries" || key == "bad_gateway" || key == "jobs_failed")
      n += fmt::format("{}{} {:.0f}", n.empty() ? "" : ", ", key, e.mean);
    else if (key == "job_latency_p95")
      n += fmt::format("{}job p95 {}", n.empty() ? "" : ", ", core::format_duration(e.mean));
    else if (key == "hit_ratio")
      n += fmt::format("{}hit ratio {:.2f}", n.empty() ? "" : ", ", e.mean);
  }
  if (c.saturated)
    n = std::string(c.bottleneck ? "SATURATED (bottleneck)" : "SATURATED (backed up)") +
        (n.empty() ? "" : "; ") + n;
  return n;
}

}  // namespace

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

SummaryFile summary_file(const sim::RunSummary& s, const RunInfo& info) {
  SummaryFile f;
  f.capsim = CAPSIM_VERSION;
  f.command = info.command;
  f.topology = {info.topology_name, info.topology_file};
  f.load = {info.rps, info.load_source, info.arrival};
  f.run = {s.duration, s.warmup, s.seed, s.replications, s.shed};
  for (const auto& c : s.classes)
    f.classes.push_back(
        {c.name,
         estimate(c.throughput),
         estimate(c.error_rate),
         {estimate(c.mean), estimate(c.p50), estimate(c.p95), estimate(c.p99), estimate(c.p999)},
         c.completed,
         c.failed,
         c.errors});
  for (const auto& c : s.components) {
    SummaryFile::Component fc{c.name,
                              c.kind,
                              c.instances,
                              estimate(c.utilisation),
                              estimate(c.service_utilisation),
                              estimate(c.mean_queue),
                              c.max_queue,
                              estimate(c.mean_wait),
                              estimate(c.throughput),
                              estimate(c.turned_away),
                              c.saturated,
                              c.bottleneck,
                              {}};
    for (const auto& [key, e] : c.extra) fc.extra[key] = estimate(e);
    f.components.push_back(std::move(fc));
  }
  f.saturated = s.saturated;
  if (info.slo) {
    f.slo = SummaryFile::Slo{info.slo_file, info.slo->pass, {}};
    for (const auto& c : info.slo->checks)
      f.slo->checks.push_back(
          {c.subject, c.value, finite_or_none(c.half_width), c.target, c.pass, c.uncertain});
  }
  return f;
}

Json summary_json(const sim::RunSummary& s, const RunInfo& info) {
  return summary_file(s, info);
}

std::string summary_table(const sim::RunSummary& s, const RunInfo& info) {
  std::string out = fmt::format(
      "capsim {} — {} at {:.1f} rps ({}), {} replications of {} after {} warm-up, seed {}\n\n",
      info.command, info.topology_name, info.rps, info.load_source, s.replications,
      core::format_duration(s.duration), core::format_duration(s.warmup), s.seed);
  out += fmt::format("{:<14} {:>12} {:>9} {:>16} {:>16} {:>16} {:>10} {:>9}\n", "request class",
                     "throughput", "p50 ms", "p95 ms (±95%CI)", "p99 ms (±95%CI)", "mean ms",
                     "p99.9 ms", "errors");
  for (const auto& c : s.classes) {
    out += fmt::format("{:<14} {:>12} {:>9} {:>16} {:>16} {:>16} {:>10} {:>9}\n", c.name,
                       pm(c.throughput, 1, "/s"), ms(c.p50.mean), pm(c.p95, 1e3, ""),
                       pm(c.p99, 1e3, ""), pm(c.mean, 1e3, ""), ms(c.p999.mean),
                       fmt::format("{:.2f}%", c.error_rate.mean * 100));
  }
  out += fmt::format("\n{:<14} {:<14} {:>5} {:>14} {:>11} {:>9} {:>11}  {}\n", "component", "kind",
                     "inst", "utilisation", "mean queue", "max q", "mean wait", "notes");
  for (const auto& c : s.components) {
    out += fmt::format("{:<14} {:<14} {:>5} {:>14} {:>11} {:>9.0f} {:>11}  {}\n", c.name, c.kind,
                       c.instances, pm(c.utilisation, 100, "%"),
                       fmt::format("{:.2f}", c.mean_queue.mean), c.max_queue,
                       core::format_duration(c.mean_wait.mean), notes(c));
  }
  bool any_errors = false;
  for (const auto& c : s.classes) any_errors |= !c.errors.empty();
  if (any_errors) {
    out += "\nerrors by cause (all replications):\n";
    for (const auto& c : s.classes)
      for (const auto& [cause, n] : c.errors)
        out += fmt::format("  {:<14} {:<32} {:.0f}\n", c.name, cause, n);
  }
  if (!s.saturated.empty()) {
    out += "\nsaturated: ";
    for (std::size_t i = 0; i < s.saturated.size(); ++i) out += (i ? ", " : "") + s.saturated[i];
    out += " (bottlenecks first; the rest hold workers or connections while they wait on them)\n";
  }
  if (info.slo) {
    out += fmt::format("\nSLO {}: {}\n", info.slo_file, info.slo->pass ? "met" : "MISSED");
    for (const auto& c : info.slo->checks) {
      if (c.pass && !c.uncertain) continue;
      auto show = [&](double x) {
        return c.is_latency ? core::format_duration(x) : fmt::format("{:.2f}%", x * 100);
      };
      out += fmt::format("  {:<4} {:<28} {:>9} ±{:<9} target {}{}\n", c.pass ? "ok" : "FAIL",
                         c.subject, show(c.value), show(c.half_width), show(c.target),
                         c.uncertain ? " (within the CI: more replications would settle it)" : "");
    }
  }
  return out;
}

std::string summary_markdown(const sim::RunSummary& s, const RunInfo& info) {
  std::string out =
      fmt::format("# capsim {}: {}\n\nLoad {:.1f} rps ({}); {} replications of {}, seed {}.\n\n",
                  info.command, info.topology_name, info.rps, info.load_source, s.replications,
                  core::format_duration(s.duration), s.seed);
  out +=
      "| class | throughput /s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors "
      "|\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : s.classes)
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {:.2f}% |\n", c.name,
                       pm(c.throughput, 1, ""), ms(c.p50.mean), pm(c.p95, 1e3, ""),
                       pm(c.p99, 1e3, ""), ms(c.p999.mean), c.error_rate.mean * 100);
  out +=
      "\n| component | kind | instances | utilisation | mean queue | max queue | notes "
      "|\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : s.components)
    out +=
        fmt::format("| {} | {} | {} | {} | {:.2f} | {:.0f} | {} |\n", c.name, c.kind, c.instances,
                    pm(c.utilisation, 100, "%"), c.mean_queue.mean, c.max_queue, notes(c));
  return out;
}

std::string summary_csv(const sim::RunSummary& s) {
  std::string out = "section,name,metric,mean,ci95\n";
  auto row = [&](const char* section, const std::string& name, const char* metric,
                 const sim::Estimate& e) {
    out += fmt::format("{},{},{},{},{}\n", section, name, metric, e.mean,
                       std::isfinite(e.half_width) ? fmt::format("{}", e.half_width) : "");
  };
  for (const auto& c : s.classes) {
    row("class", c.name, "throughput_rps", c.throughput);
    row("class", c.name, "error_rate", c.error_rate);
    row("class", c.name, "latency_mean_s", c.mean);
    row("class", c.name, "latency_p50_s", c.p50);
    row("class", c.name, "latency_p95_s", c.p95);
    row("class", c.name, "latency_p99_s", c.p99);
    row("class", c.name, "latency_p999_s", c.p999);
  }
  for (const auto& c : s.components) {
    row("component", c.name, "utilisation", c.utilisation);
    row("component", c.name, "mean_queue", c.mean_queue);
    row("component", c.name, "mean_wait_s", c.mean_wait);
    row("component", c.name, "throughput_rps", c.throughput);
  }
  return out;
}

std::vector<TimeseriesRow> timeseries_rows(const sim::RunSummary& s) {
  std::vector<TimeseriesRow> rows;
  for (const auto& t : s.timeseries) rows.push_back({t.time, t.component, t.metric, t.value});
  return rows;
}

std::vector<LatencyRow> latency_rows(const sim::RunSummary& s) {
  std::vector<LatencyRow> rows;
  for (const auto& c : s.classes)
    for (const auto& [bound, n] : c.latency.buckets()) rows.push_back({c.name, bound, n});
  return rows;
}

std::string timeseries_csv(const sim::RunSummary& s) {
  return to_csv(timeseries_rows(s));
}

std::string latency_csv(const sim::RunSummary& s) {
  return to_csv(latency_rows(s));
}

void write_run_dir(const std::string& dir, const sim::RunSummary& s, const RunInfo& info,
                   const Json& inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  fs::path d(dir);
  write_file(d / "summary.json", summary_json(s, info).dump(2) + "\n");
  write_file(d / "timeseries.csv", timeseries_csv(s));
  write_file(d / "latency.csv", latency_csv(s));
  RunFile run{CAPSIM_VERSION, info.command, s.seed, s.replications, inputs};
  write_file(d / "run.json", Json(run).dump(2) + "\n");
}

}  // namespace capsim::output
