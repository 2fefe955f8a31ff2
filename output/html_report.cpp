#include "output/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "core/diagnostics.hpp"
#include "config/json_reader.hpp"
#include "core/units.hpp"
#include "output/svg_chart.hpp"

namespace capsim::output {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;
using svg::escape;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDefaultHeadroom = 0.7;  // the runbooks' 70% capacity rule

[[noreturn]] void fail(const std::string& file, const std::string& pointer,
                       const std::string& message) {
  core::Diagnostics d;
  d.add(file, pointer, message);
  throw core::InputError(d);
}

// ---- Reading the run directory --------------------------------------------------------------

struct Estimate {
  double mean = kNaN, ci95 = kNaN;
};

bool is_number(const Json& v) {
  return v.is_number();
}
bool is_string(const Json& v) {
  return v.is_string();
}
bool is_boolean(const Json& v) {
  return v.is_boolean();
}
bool is_array(const Json& v) {
  return v.is_array();
}
bool is_object(const Json& v) {
  return v.is_object();
}

// A JSON file of the run with checked access: a missing or mistyped value is an input error that
// names the file, the JSON pointer and what was expected.
struct Doc {
  std::string file;
  Json j;

  const Json* find(const std::string& pointer) const {
    Json::json_pointer p(pointer);
    return j.contains(p) ? &j.at(p) : nullptr;
  }
  const Json& get(const std::string& pointer, bool (*is)(const Json&), const char* expected) const {
    const Json* v = find(pointer);
    if (!v) fail(file, pointer, std::string("missing (expected ") + expected + ")");
    if (!is(*v))
      fail(file, pointer, "is " + config::json_type_name(*v) + " (expected " + expected + ")");
    return *v;
  }
  double number(const std::string& p) const { return get(p, is_number, "a number").get<double>(); }
  std::optional<double> maybe_number(const std::string& p) const {
    const Json* v = find(p);
    if (!v || v->is_null()) return std::nullopt;
    return number(p);
  }
  std::string text(const std::string& p) const {
    return get(p, is_string, "a string").get<std::string>();
  }
  std::string maybe_text(const std::string& p) const {
    const Json* v = find(p);
    if (!v || v->is_null()) return "";
    return text(p);
  }
  bool flag(const std::string& p) const {
    const Json* v = find(p);
    if (!v) return false;
    return get(p, is_boolean, "true or false").get<bool>();
  }
  std::size_t size(const std::string& p) const { return get(p, is_array, "an array").size(); }
  std::size_t maybe_size(const std::string& p) const { return find(p) ? size(p) : 0; }
  Estimate estimate(const std::string& p) const {
    return {number(p + "/mean"), maybe_number(p + "/ci95").value_or(kNaN)};
  }
  // {"cause": count, ...}; absent is empty.
  std::map<std::string, double> counts(const std::string& p) const {
    std::map<std::string, double> out;
    if (!find(p)) return out;
    for (const auto& [key, v] : get(p, is_object, "an object").items()) {
      if (!v.is_number())
        fail(file, p + "/" + key, "is " + config::json_type_name(v) + " (expected a count)");
      out[key] = v.get<double>();
    }
    return out;
  }
};

Doc load_doc(const fs::path& dir, const std::string& name, const std::string& expected) {
  std::string file = (dir / name).string();
  std::error_code ec;
  if (!fs::exists(file, ec))
    fail(file, "",
         "no such file (expected " + expected + "; is " + dir.string() +
             " the directory given to --out?)");
  config::ReadContext ctx{file, {}};
  auto j = config::load_json_file(file, ctx);
  if (!j) throw core::InputError(ctx.diagnostics);
  if (!j->is_object())
    fail(file, "",
         "is " + config::json_type_name(*j) + " (expected a JSON object: " + expected + ")");
  return {file, std::move(*j)};
}

// A CSV file of the run: its header, then rows of fields (double quotes allowed around a field).
struct Csv {
  std::string file;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  // the line number of each row

  std::size_t column(const std::string& name) const {
    return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) -
                                    columns.begin());
  }
  std::string field(std::size_t row, std::size_t col) const {
    return col < rows[row].size() ? rows[row][col] : "";
  }
  double number(std::size_t row, std::size_t col) const {
    std::string s = field(row, col);
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
      fail(file, "",
           fmt::format("line {}: \"{}\" in column {} is not a number (expected a number)",
                       lines[row], s, col < columns.size() ? columns[col] : "?"));
    return v;
  }
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        fields.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

Csv load_csv(const fs::path& dir, const std::string& name, const std::vector<std::string>& required,
             const std::string& expected) {
  Csv csv{(dir / name).string(), {}, {}, {}};
  std::string all;
  for (const auto& c : required) all += (all.empty() ? "" : ",") + c;
  std::ifstream in(csv.file, std::ios::binary);
  std::error_code ec;
  if (!fs::exists(csv.file, ec) || !in)
    fail(csv.file, "",
         "no such file (expected " + expected + " with the columns " + all + "; is " +
             dir.string() + " the directory given to --out?)");
  std::string line;
  if (!std::getline(in, line))
    fail(csv.file, "", "file is empty (expected a header line " + all + ")");
  csv.columns = split_csv_line(line);
  for (const auto& c : required)
    if (csv.column(c) == csv.columns.size())
      fail(csv.file, "", "line 1: no column \"" + c + "\" (expected the header " + all + ")");
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    csv.rows.push_back(split_csv_line(line));
    csv.lines.push_back(n);
    if (csv.rows.back().size() < csv.columns.size())
      fail(csv.file, "",
           fmt::format("line {}: {} fields (expected {}, as in the header)", n,
                       csv.rows.back().size(), csv.columns.size()));
  }
  return csv;
}

// What the run's files say, typed.

struct ClassFigures {
  std::string name;
  Estimate throughput, error_rate, mean, p50, p95, p99, p999;
  std::map<std::string, double> errors;
};

struct ComponentFigures {
  std::string name, kind;
  double instances = 0, max_queue = 0;
  Estimate utilisation, mean_queue, mean_wait;
  bool saturated = false, bottleneck = false;
};

struct SloCheck {
  std::string subject;
  double value = kNaN, ci95 = kNaN, target = kNaN;
  bool pass = true, uncertain = false;
};

struct Summary {
  std::string topology, load_source;
  double rps = kNaN, duration_s = kNaN, warmup_s = kNaN, replications = kNaN;
  std::vector<ClassFigures> classes;
  std::vector<ComponentFigures> components;
  std::vector<std::string> saturated;
  bool has_slo = false, slo_pass = true;
  std::string slo_file;
  std::vector<SloCheck> checks;
};

struct Sample {
  double time;
  std::string component, metric;
  double value;
};

struct Bucket {
  std::string cls;
  double upper_s, count;
};

struct DrillEvent {
  double time_s;
  std::string component, event, detail;
};

struct PhaseClass {
  std::string name;
  double requests, throughput, error_rate, p50, p95, p99;
  std::map<std::string, double> errors;
};

struct Phase {
  std::string name;
  double from_s, to_s;
  std::vector<PhaseClass> classes;
};

struct Timeline {
  std::string scenario;
  double fault_at_s = 0;
  std::optional<double> recovered_at_s, time_to_recover_s, lost_writes, lost_lag_s;
  std::vector<DrillEvent> events;
  std::vector<Phase> phases;
  std::optional<bool> pass;
  std::vector<std::string> reasons;
  std::optional<double> recovery_mean_s, recovery_ci95_s;
  std::size_t recovery_samples = 0;
};

struct PlanPeriod {
  std::string period, binding;
  std::optional<double> peak_rps, p95_s, monthly_usd;
  std::vector<std::pair<std::string, std::string>> setup;
  std::vector<std::string> changes;
};

struct Cost {
  std::string period, component, setup;
  double monthly_usd;
};

struct Run {
  std::string dir, command, capsim_version, topology;
  double seed = kNaN;
  std::optional<Summary> summary;
  std::vector<Sample> timeseries;
  std::vector<Bucket> latency;
  std::optional<Timeline> timeline;
  std::vector<PlanPeriod> periods;
  Json runway;
  std::vector<Cost> costs;
};

Summary read_summary(const Doc& d) {
  Summary s;
  s.topology = d.maybe_text("/topology/name");
  s.load_source = d.maybe_text("/load/source");
  s.rps = d.maybe_number("/load/rps").value_or(kNaN);
  s.duration_s = d.maybe_number("/run/duration_s").value_or(kNaN);
  s.warmup_s = d.maybe_number("/run/warmup_s").value_or(kNaN);
  s.replications = d.maybe_number("/run/replications").value_or(kNaN);
  for (std::size_t i = 0, n = d.size("/classes"); i < n; ++i) {
    std::string p = fmt::format("/classes/{}", i), l = p + "/latency_s";
    s.classes.push_back({d.text(p + "/name"), d.estimate(p + "/throughput_rps"),
                         d.estimate(p + "/error_rate"), d.estimate(l + "/mean"),
                         d.estimate(l + "/p50"), d.estimate(l + "/p95"), d.estimate(l + "/p99"),
                         d.estimate(l + "/p999"), d.counts(p + "/errors")});
  }
  for (std::size_t i = 0, n = d.size("/components"); i < n; ++i) {
    std::string p = fmt::format("/components/{}", i);
    s.components.push_back({d.text(p + "/name"), d.maybe_text(p + "/kind"),
                            d.maybe_number(p + "/instances").value_or(kNaN),
                            d.maybe_number(p + "/max_queue").value_or(kNaN),
                            d.estimate(p + "/utilisation"), d.estimate(p + "/mean_queue"),
                            d.estimate(p + "/mean_wait_s"), d.flag(p + "/saturated"),
                            d.flag(p + "/bottleneck")});
  }
  for (std::size_t i = 0, n = d.maybe_size("/saturated"); i < n; ++i)
    s.saturated.push_back(d.text(fmt::format("/saturated/{}", i)));
  if (d.find("/slo")) {
    s.has_slo = true;
    s.slo_pass = d.flag("/slo/pass");
    s.slo_file = d.maybe_text("/slo/file");
    for (std::size_t i = 0, n = d.size("/slo/checks"); i < n; ++i) {
      std::string p = fmt::format("/slo/checks/{}", i);
      s.checks.push_back({d.text(p + "/subject"), d.number(p + "/value"),
                          d.maybe_number(p + "/ci95").value_or(kNaN), d.number(p + "/target"),
                          d.flag(p + "/pass"), d.flag(p + "/uncertain")});
    }
  }
  return s;
}

Timeline read_timeline(const Doc& d) {
  Timeline t;
  double version = d.number("/version");
  if (version != 1)
    fail(d.file, "/version",
         fmt::format("{} (expected 1: this capsim reads timeline.json version 1)", version));
  t.scenario = d.maybe_text("/scenario");
  t.fault_at_s = d.number("/fault_at_s");
  t.recovered_at_s = d.maybe_number("/recovered_at_s");
  t.time_to_recover_s = d.maybe_number("/time_to_recover_s");
  for (std::size_t i = 0, n = d.maybe_size("/events"); i < n; ++i) {
    std::string p = fmt::format("/events/{}", i);
    t.events.push_back({d.number(p + "/time_s"), d.maybe_text(p + "/component"),
                        d.text(p + "/event"), d.maybe_text(p + "/detail")});
  }
  for (std::size_t i = 0, n = d.maybe_size("/phases"); i < n; ++i) {
    std::string p = fmt::format("/phases/{}", i);
    Phase phase{d.text(p + "/name"), d.number(p + "/from_s"), d.number(p + "/to_s"), {}};
    for (std::size_t k = 0, m = d.maybe_size(p + "/classes"); k < m; ++k) {
      std::string c = fmt::format("{}/classes/{}", p, k);
      auto opt = [&](const char* key) { return d.maybe_number(c + key).value_or(kNaN); };
      phase.classes.push_back({d.text(c + "/name"), opt("/requests"), opt("/throughput_rps"),
                               opt("/error_rate"), opt("/p50_s"), opt("/p95_s"), opt("/p99_s"),
                               d.counts(c + "/errors")});
    }
    t.phases.push_back(std::move(phase));
  }
  t.lost_writes = d.maybe_number("/lost_writes/count");
  t.lost_lag_s = d.maybe_number("/lost_writes/lag_s");
  if (d.find("/verdict")) {
    t.pass = d.flag("/verdict/pass");
    for (std::size_t i = 0, n = d.maybe_size("/verdict/reasons"); i < n; ++i)
      t.reasons.push_back(d.text(fmt::format("/verdict/reasons/{}", i)));
  }
  t.recovery_mean_s = d.maybe_number("/recovery/mean_s");
  t.recovery_ci95_s = d.maybe_number("/recovery/ci95_s");
  t.recovery_samples = d.maybe_size("/recovery/samples_s");
  return t;
}

std::vector<PlanPeriod> read_plan(const Doc& d) {
  std::vector<PlanPeriod> periods;
  for (std::size_t i = 0, n = d.maybe_size("/periods"); i < n; ++i) {
    std::string p = fmt::format("/periods/{}", i);
    PlanPeriod period;
    period.period = d.text(p + "/period");
    period.binding = d.maybe_text(p + "/binding");
    period.peak_rps = d.maybe_number(p + "/peak_rps");
    period.p95_s = d.maybe_number(p + "/p95_s");
    period.monthly_usd = d.maybe_number(p + "/monthly_usd");
    if (const Json* setup = d.find(p + "/setup"); setup && setup->is_object())
      for (const auto& [component, what] : setup->items())
        period.setup.emplace_back(component,
                                  what.is_string() ? what.get<std::string>() : what.dump());
    for (std::size_t k = 0, m = d.maybe_size(p + "/changes"); k < m; ++k)
      period.changes.push_back(d.text(fmt::format("{}/changes/{}", p, k)));
    periods.push_back(std::move(period));
  }
  return periods;
}

std::vector<Sample> read_timeseries(const fs::path& dir) {
  Csv csv = load_csv(dir, "timeseries.csv", {"time", "component", "metric", "value"},
                     "the timeseries.csv that capsim writes into its --out DIR");
  std::size_t t = csv.column("time"), c = csv.column("component"), m = csv.column("metric"),
              v = csv.column("value");
  std::vector<Sample> out;
  for (std::size_t i = 0; i < csv.rows.size(); ++i)
    out.push_back({csv.number(i, t), csv.field(i, c), csv.field(i, m), csv.number(i, v)});
  return out;
}

std::vector<Bucket> read_latency(const fs::path& dir) {
  Csv csv = load_csv(dir, "latency.csv", {"class", "upper_bound_s", "count"},
                     "the latency histogram that capsim writes into its --out DIR");
  std::size_t c = csv.column("class"), u = csv.column("upper_bound_s"), n = csv.column("count");
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < csv.rows.size(); ++i)
    out.push_back({csv.field(i, c), csv.number(i, u), csv.number(i, n)});
  return out;
}

std::vector<Cost> read_costs(const fs::path& dir) {
  Csv csv = load_csv(dir, "costs.csv", {"period", "component", "monthly_usd"},
                     "the cost table that capsim plan writes into its --out DIR");
  std::size_t p = csv.column("period"), c = csv.column("component"), s = csv.column("setup"),
              m = csv.column("monthly_usd");
  std::vector<Cost> out;
  for (std::size_t i = 0; i < csv.rows.size(); ++i)
    out.push_back({csv.field(i, p), csv.field(i, c), csv.field(i, s), csv.number(i, m)});
  return out;
}

Run read_run(const std::string& dir_name) {
  fs::path dir(dir_name);
  std::error_code ec;
  const std::string what =
      "a run directory: the DIR that capsim simulate, drill or plan wrote with --out DIR";
  if (!fs::exists(dir, ec)) fail(dir_name, "", "no such directory (expected " + what + ")");
  if (!fs::is_directory(dir, ec)) fail(dir_name, "", "is a file (expected " + what + ")");
  auto exists = [&](const char* name) { return fs::exists(dir / name, ec); };

  Run r;
  r.dir = dir_name;
  Doc run = load_doc(dir, "run.json", "the run.json that capsim writes into its --out DIR");
  r.command = run.text("/command");
  r.capsim_version = run.maybe_text("/capsim");
  r.seed = run.maybe_number("/seed").value_or(kNaN);
  if (const Json* name = run.find("/inputs/topology/name"); name && name->is_string())
    r.topology = name->get<std::string>();
  if (r.command != "simulate" && r.command != "drill" && r.command != "plan")
    fail(run.file, "/command",
         "\"" + r.command + "\" is not a run capsim report draws (expected \"simulate\", " +
             "\"drill\" or \"plan\")");
  bool simulated = r.command != "plan";  // a plan may keep its chosen setup's simulation too
  if (simulated || exists("summary.json"))
    r.summary = read_summary(
        load_doc(dir, "summary.json", "the summary.json that capsim writes into its --out DIR"));
  if (simulated || exists("timeseries.csv")) r.timeseries = read_timeseries(dir);
  if (simulated || exists("latency.csv")) r.latency = read_latency(dir);
  if (r.command == "drill")
    r.timeline = read_timeline(
        load_doc(dir, "timeline.json", "the timeline.json that capsim drill --out DIR writes"));
  if (r.command == "plan") {
    if (exists("plan.json") || !exists("costs.csv")) {
      Doc plan = load_doc(dir, "plan.json", "the plan.json that capsim plan --out DIR writes");
      r.periods = read_plan(plan);
      if (const Json* runway = plan.find("/runway")) r.runway = *runway;
    }
    if (exists("costs.csv")) r.costs = read_costs(dir);
  }
  return r;
}

// ---- Formatting -------------------------------------------------------------------------------

std::string fixed(double v, int digits) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "–";
}

std::string with_ci(const Estimate& e, double scale, int digits) {
  std::string s = fixed(e.mean * scale, digits);
  if (std::isfinite(e.mean) && std::isfinite(e.ci95)) s += " ±" + fixed(e.ci95 * scale, digits);
  return s;
}

std::string percent(double fraction, int digits = 2) {
  return std::isfinite(fraction) ? fixed(fraction * 100, digits) + "%" : "–";
}

std::string duration(double seconds) {
  return std::isfinite(seconds) ? core::format_duration(seconds) : "–";
}

std::string usd(double v) {
  if (!std::isfinite(v)) return "–";
  std::string digits = fmt::format("{:.0f}", std::abs(v)), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-$" : "$") + out;
}

std::string causes(const std::map<std::string, double>& errors) {
  std::string out;
  for (const auto& [cause, n] : errors)
    out += fmt::format("{}{} {:.0f}", out.empty() ? "" : ", ", cause, n);
  return out;
}

// A table; cells are text (escaped here). Cells that read as numbers (a figure with at most a
// unit: "12.5", "$1,460", "46.00s", "0–120 s") are right-aligned.
std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  auto numeric = [](const std::string& s) {
    if (s == "–") return true;
    if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '$' ||
                       (s[0] == '-' && s.size() > 1)))
      return false;
    return std::count_if(s.begin(), s.end(),
                         [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) <= 3;
  };
  std::string out = "<table>\n";
  if (std::any_of(head.begin(), head.end(), [](const std::string& h) { return !h.empty(); })) {
    out += "<thead><tr>";
    for (const auto& h : head) out += "<th>" + escape(h) + "</th>";
    out += "</tr></thead>\n";
  }
  out += "<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row)
      out += (numeric(cell) ? "<td class=\"num\">" : "<td>") + escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string panel(const std::string& chart, const std::string& side) {
  return "<div class=\"panel\">\n<figure>\n" + chart + "</figure>\n<div class=\"side\">\n" + side +
         "</div>\n</div>\n";
}

// ---- Series from the time series ----------------------------------------------------------------

struct TimeAxis {
  double scale;
  std::string label;
};

TimeAxis time_axis(const std::vector<Sample>& ts) {
  double span = 0;
  for (const auto& s : ts) span = std::max(span, s.time);
  if (span > 3 * 3600) return {3600, "time (h)"};
  if (span > 20 * 60) return {60, "time (min)"};
  return {1, "time (s)"};
}

// At most `max_points` points: consecutive points averaged (a day at 10 s is 8,640 samples).
void thin(svg::Series& s, std::size_t max_points = 1000) {
  if (s.x.size() <= max_points) return;
  std::size_t group = (s.x.size() + max_points - 1) / max_points;
  svg::Series out{s.name, {}, {}, s.dashed};
  for (std::size_t i = 0; i < s.x.size(); i += group) {
    std::size_t end = std::min(s.x.size(), i + group);
    double sx = 0, sy = 0;
    for (std::size_t k = i; k < end; ++k) sx += s.x[k], sy += s.y[k];
    out.x.push_back(sx / static_cast<double>(end - i));
    out.y.push_back(sy / static_cast<double>(end - i));
  }
  s = std::move(out);
}

// One series per name that `name_of` gives a sample (nullopt: leave it out), in order of first
// appearance; y scaled by `scale`.
std::vector<svg::Series> pick(
    const std::vector<Sample>& ts, const TimeAxis& axis,
    const std::function<std::optional<std::string>(const Sample&)>& name_of, double scale = 1) {
  std::vector<svg::Series> out;
  std::map<std::string, std::size_t> index;
  for (const auto& s : ts) {
    std::optional<std::string> name = name_of(s);
    if (!name) continue;
    auto [it, added] = index.emplace(*name, out.size());
    if (added) out.push_back({*name, {}, {}, false});
    out[it->second].x.push_back(s.time / axis.scale);
    out[it->second].y.push_back(s.value * scale);
  }
  for (auto& s : out) thin(s);
  return out;
}

std::function<std::optional<std::string>(const Sample&)> class_metric(const std::string& metric) {
  return [metric](const Sample& s) -> std::optional<std::string> {
    if (s.metric == metric) return s.component;
    return std::nullopt;
  };
}

// Error rate per class and sample: errors / (completed + errors), both per second.
std::vector<svg::Series> error_rates(const std::vector<Sample>& ts, const TimeAxis& axis) {
  std::map<std::pair<std::string, double>, std::pair<double, double>> at;  // ok/s, errors/s
  std::vector<std::string> order;
  for (const auto& s : ts) {
    if (s.metric != "throughput" && s.metric != "errors") continue;
    if (std::find(order.begin(), order.end(), s.component) == order.end())
      order.push_back(s.component);
    auto& v = at[{s.component, s.time}];
    (s.metric == "throughput" ? v.first : v.second) = s.value;
  }
  std::vector<svg::Series> out;
  for (const auto& cls : order) {
    svg::Series series{cls, {}, {}, false};
    for (const auto& [key, v] : at) {
      if (key.first != cls) continue;
      series.x.push_back(key.second / axis.scale);
      series.y.push_back(v.first + v.second > 0 ? 100 * v.second / (v.first + v.second) : 0);
    }
    thin(series);
    out.push_back(std::move(series));
  }
  return out;
}

// ---- Sections ---------------------------------------------------------------------------------

struct Section {
  std::string id, title, html;
};

// The fault, its detection, the promotion of a new primary (when there is one) and the recovery
// as vertical lines; every event is in the table beside the chart.
std::vector<svg::Marker> drill_markers(const Timeline& t, const TimeAxis& axis) {
  auto first = [&](const char* word) -> const DrillEvent* {
    for (const auto& e : t.events)
      if (e.event.find(word) != std::string::npos) return &e;
    return nullptr;
  };
  std::vector<svg::Marker> m{{t.fault_at_s / axis.scale, "fault", "fault"}};
  if (const DrillEvent* e = first("detect"))
    m.push_back({e->time_s / axis.scale, e->event, "detection"});
  if (const DrillEvent* e = first("promot")) m.push_back({e->time_s / axis.scale, e->event, ""});
  if (t.recovered_at_s)
    m.push_back({*t.recovered_at_s / axis.scale, "recovered", "recovery"});
  else if (const DrillEvent* e = first("recover"))
    m.push_back({e->time_s / axis.scale, e->event, "recovery"});
  return m;
}

// The SLO's target for a check subject's suffix (" p95", " utilisation"), when all agree.
std::optional<double> slo_target(const Summary& s, const std::string& suffix) {
  std::optional<double> target;
  for (const auto& c : s.checks) {
    if (c.subject.size() < suffix.size() ||
        c.subject.compare(c.subject.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    if (target && *target != c.target) return std::nullopt;
    target = c.target;
  }
  return target;
}

Section slo_section(const Summary& s) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.checks) {
    bool rate = c.subject.ends_with("error rate") || c.subject.ends_with("utilisation");
    auto show = [&](double v) { return rate ? percent(v) : fixed(v * 1e3, 1) + " ms"; };
    rows.push_back({c.subject, show(c.value), std::isfinite(c.ci95) ? "±" + show(c.ci95) : "",
                    show(c.target),
                    std::string(c.pass ? "ok" : "FAIL") + (c.uncertain ? " (within the CI)" : "")});
  }
  return {"slo", "SLO checks",
          fmt::format("<p>{}: <span class=\"{}\">{}</span></p>\n", escape(s.slo_file),
                      s.slo_pass ? "pass" : "fail", s.slo_pass ? "met" : "MISSED") +
              table({"figure", "mean", "95% CI", "target", "result"}, rows)};
}

Section latency_section(const Summary& s, const std::vector<Sample>& ts,
                        const std::vector<svg::Marker>& markers) {
  TimeAxis axis = time_axis(ts);
  svg::LineChart chart{"p95 latency over time per request class",
                       axis.label,
                       "p95 (ms)",
                       pick(ts, axis, class_metric("p95"), 1e3),
                       markers,
                       std::nullopt,
                       false};
  if (auto target = slo_target(s, " p95"))
    chart.threshold = svg::Threshold{*target * 1e3, "SLO p95 " + fixed(*target * 1e3, 0) + " ms"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.classes)
    rows.push_back({c.name, fixed(c.p50.mean * 1e3, 1), with_ci(c.p95, 1e3, 1),
                    with_ci(c.p99, 1e3, 1), fixed(c.p999.mean * 1e3, 1), with_ci(c.mean, 1e3, 1)});
  std::string side =
      table({"class", "p50 ms", "p95 ms (±95% CI)", "p99 ms (±95% CI)", "p99.9 ms", "mean ms"},
            rows) +
      "<p class=\"note\">Over the whole measured window, mean of the replications; the chart is "
      "replication 0, one point per sample interval.</p>\n";
  return {"latency", "Latency", panel(svg::line_chart(chart), side)};
}

Section throughput_section(const Summary& s, const std::vector<Sample>& ts,
                           const std::vector<svg::Marker>& markers) {
  TimeAxis axis = time_axis(ts);
  svg::LineChart ok{"Throughput over time (completed requests)",
                    axis.label,
                    "requests/s",
                    pick(ts, axis, class_metric("throughput")),
                    markers,
                    std::nullopt,
                    false};
  svg::LineChart errors{
      "Errors over time", axis.label, "errors/s", pick(ts, axis, class_metric("errors")), markers,
      std::nullopt,       false};
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.classes)
    rows.push_back(
        {c.name, with_ci(c.throughput, 1, 1), percent(c.error_rate.mean), causes(c.errors)});
  return {"throughput", "Throughput and errors",
          panel(svg::line_chart(ok), "<figure>\n" + svg::line_chart(errors) + "</figure>\n") +
              table({"class", "throughput /s (±95% CI)", "error rate", "errors by cause"}, rows)};
}

Section utilisation_section(const Summary& s) {
  std::optional<double> slo = slo_target(s, " utilisation");
  double headroom = slo.value_or(kDefaultHeadroom);
  svg::BarChart chart{
      "Utilisation per tier",
      "utilisation (%)",
      {},
      {{"utilisation", {}, {}, false}},
      svg::Threshold{headroom * 100, fmt::format("headroom {:.0f}% ({})", headroom * 100,
                                                 slo ? "SLO" : "70% rule")}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.components) {
    chart.categories.push_back(c.name);
    chart.series[0].y.push_back(c.utilisation.mean * 100);
    std::string state = c.saturated
                            ? (c.bottleneck ? "SATURATED (bottleneck)" : "SATURATED (backed up)")
                        : c.utilisation.mean > headroom ? "over headroom"
                                                        : "";
    rows.push_back({c.name, c.kind, fixed(c.instances, 0), with_ci(c.utilisation, 100, 1) + "%",
                    fixed(c.mean_queue.mean, 2), fixed(c.max_queue, 0), duration(c.mean_wait.mean),
                    state});
  }
  return {"utilisation", "Utilisation per tier",
          panel(svg::bar_chart(chart), table({"component", "kind", "inst", "utilisation",
                                              "mean queue", "max q", "mean wait", "state"},
                                             rows))};
}

// Series' mean and maximum over the samples, as table rows.
std::vector<std::vector<std::string>> series_stats(const std::vector<svg::Series>& series,
                                                   int digits) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : series) {
    double sum = 0, lo = s.y.empty() ? kNaN : s.y[0], hi = lo;
    for (double y : s.y) sum += y, lo = std::min(lo, y), hi = std::max(hi, y);
    rows.push_back({s.name,
                    fixed(s.y.empty() ? kNaN : sum / static_cast<double>(s.y.size()), digits),
                    fixed(lo, digits), fixed(hi, digits)});
  }
  return rows;
}

std::optional<Section> queues_section(const Summary& s, const std::vector<Sample>& ts,
                                      const std::vector<svg::Marker>& markers) {
  auto is_component = [&](const std::string& name) {
    return std::any_of(s.components.begin(), s.components.end(),
                       [&](const ComponentFigures& c) { return c.name == name; });
  };
  TimeAxis axis = time_axis(ts);
  auto series = pick(ts, axis, [&](const Sample& x) -> std::optional<std::string> {
    bool queue = x.metric.find("queue") != std::string::npos ||
                 x.metric.find("waiting") != std::string::npos ||
                 x.metric.find("backlog") != std::string::npos;
    if (!queue || !is_component(x.component)) return std::nullopt;
    return x.component + " " + x.metric;
  });
  if (series.empty()) return std::nullopt;
  svg::LineChart chart{
      "Queue depths over time", axis.label, "waiting", series, markers, std::nullopt, false};
  return Section{"queues", "Queues",
                 panel(svg::line_chart(chart),
                       table({"queue", "mean", "min", "max"}, series_stats(series, 2)) +
                           "<p class=\"note\">Sampled at each interval (replication 0).</p>\n")};
}

std::optional<Section> replicas_section(const std::vector<Sample>& ts,
                                        const std::vector<svg::Marker>& markers) {
  TimeAxis axis = time_axis(ts);
  auto series = pick(ts, axis, [](const Sample& x) -> std::optional<std::string> {
    if (x.metric == "replicas") return x.component + " replicas";
    if (x.metric == "desired_replicas") return x.component + " desired";
    return std::nullopt;
  });
  if (series.empty()) return std::nullopt;
  for (auto& s : series) s.dashed = s.name.ends_with(" desired");
  svg::LineChart chart{
      "Replicas under autoscaling", axis.label, "replicas", series, markers, std::nullopt, false};
  return Section{"replicas", "Replicas",
                 panel(svg::line_chart(chart),
                       table({"series", "mean", "min", "max"}, series_stats(series, 2)) +
                           "<p class=\"note\">desired: what the autoscaler asked for; replicas: "
                           "those serving (after start-up).</p>\n")};
}

std::optional<Section> distribution_section(const std::vector<Bucket>& buckets) {
  std::map<std::string, std::vector<std::pair<double, double>>> by_class;
  std::vector<std::string> order;
  for (const auto& b : buckets) {
    if (!by_class.count(b.cls)) order.push_back(b.cls);
    by_class[b.cls].emplace_back(b.upper_s, b.count);
  }
  if (order.empty()) return std::nullopt;
  svg::LineChart chart{"Latency distribution (cumulative)",
                       "latency (ms, log scale)",
                       "requests at or below (%)",
                       {},
                       {},
                       std::nullopt,
                       true};
  std::vector<std::vector<std::string>> rows;
  for (const auto& cls : order) {
    auto& b = by_class[cls];
    std::sort(b.begin(), b.end());
    double total = 0;
    for (const auto& [upper, n] : b) total += n;
    svg::Series s{cls, {}, {}, false};
    double cumulative = 0;
    std::vector<double> quantiles{0.5, 0.9, 0.99, 0.999}, at(quantiles.size(), kNaN);
    for (const auto& [upper, n] : b) {
      cumulative += n;
      s.x.push_back(upper * 1e3);
      s.y.push_back(total > 0 ? 100 * cumulative / total : 0);
      for (std::size_t q = 0; q < quantiles.size(); ++q)
        if (std::isnan(at[q]) && cumulative >= quantiles[q] * total) at[q] = upper;
    }
    thin(s);
    chart.series.push_back(std::move(s));
    rows.push_back({cls, fixed(total, 0), fixed(at[0] * 1e3, 1), fixed(at[1] * 1e3, 1),
                    fixed(at[2] * 1e3, 1), fixed(at[3] * 1e3, 1)});
  }
  return Section{
      "distribution", "Latency distribution",
      panel(svg::line_chart(chart),
            table({"class", "requests", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms"}, rows) +
                "<p class=\"note\">From the latency histogram of all replications pooled.</p>\n")};
}

Section drill_section(const Timeline& t, const std::vector<Sample>& ts) {
  TimeAxis axis = time_axis(ts);
  std::vector<svg::Marker> markers = drill_markers(t, axis);
  std::string verdict;
  if (t.pass) {
    verdict = fmt::format("<p>Verdict: <span class=\"{}\">{}</span></p>\n",
                          *t.pass ? "pass" : "fail", *t.pass ? "PASS" : "FAIL");
    if (!t.reasons.empty()) {
      verdict += "<ul>\n";
      for (const auto& r : t.reasons) verdict += "<li>" + escape(r) + "</li>\n";
      verdict += "</ul>\n";
    }
  }
  std::vector<std::vector<std::string>> facts{
      {"fault at", duration(t.fault_at_s)},
      {"recovered at", t.recovered_at_s ? duration(*t.recovered_at_s) : "not recovered"},
      {"time to recover", t.time_to_recover_s ? duration(*t.time_to_recover_s) : "–"}};
  if (t.recovery_mean_s)
    facts.push_back({"recovery over replications",
                     duration(*t.recovery_mean_s) +
                         (t.recovery_ci95_s ? " ±" + duration(*t.recovery_ci95_s) : "") +
                         fmt::format(" ({} samples)", t.recovery_samples)});
  if (t.lost_writes)
    facts.push_back(
        {"lost writes",
         fixed(*t.lost_writes, 0) +
             (t.lost_lag_s ? " (replication lag " + duration(*t.lost_lag_s) + ")" : "")});

  std::vector<std::vector<std::string>> events;
  for (const auto& e : t.events)
    events.push_back({fixed(e.time_s, 1), e.component, e.event, e.detail});
  std::vector<std::vector<std::string>> phases;
  for (const auto& p : t.phases)
    for (const auto& c : p.classes)
      phases.push_back({p.name, fixed(p.from_s, 0) + "–" + fixed(p.to_s, 0) + " s", c.name,
                        fixed(c.requests, 0), fixed(c.throughput, 1), percent(c.error_rate),
                        fixed(c.p50 * 1e3, 1), fixed(c.p95 * 1e3, 1), fixed(c.p99 * 1e3, 1),
                        causes(c.errors)});

  svg::LineChart rate{"Error rate over time, with the drill's events",
                      axis.label,
                      "error rate (%)",
                      error_rates(ts, axis),
                      markers,
                      std::nullopt,
                      false};
  std::string html =
      "<p>Scenario <b>" + escape(t.scenario) + "</b></p>\n" + verdict +
      panel(svg::line_chart(rate),
            table({"", ""}, facts) + table({"at (s)", "component", "event", "detail"}, events));
  if (!phases.empty())
    html += "<h3>Before, during and after the fault</h3>\n" +
            table({"phase", "window", "class", "requests", "throughput /s", "error rate", "p50 ms",
                   "p95 ms", "p99 ms", "errors by cause"},
                  phases);
  return {"drill", "Drill timeline", html};
}

Section plan_section(const Run& r) {
  svg::BarChart chart{"Cost per month by component", "USD per month", {}, {}, std::nullopt};
  if (!r.costs.empty()) {
    std::map<std::string, std::size_t> period_index, component_index;
    for (const auto& c : r.costs)
      if (period_index.emplace(c.period, chart.categories.size()).second)
        chart.categories.push_back(c.period);
    for (const auto& c : r.costs) {
      auto [it, added] = component_index.emplace(c.component, chart.series.size());
      if (added)
        chart.series.push_back({c.component, {}, std::vector<double>(chart.categories.size(), 0)});
      chart.series[it->second].y[period_index[c.period]] += c.monthly_usd;
    }
  } else {
    chart.series.push_back({"total", {}, {}, false});
    for (const auto& p : r.periods) {
      chart.categories.push_back(p.period);
      chart.series[0].y.push_back(p.monthly_usd.value_or(0));
    }
  }
  std::vector<std::vector<std::string>> rows;
  std::string changes;
  for (const auto& p : r.periods) {
    std::string setup;
    for (const auto& [component, what] : p.setup)
      setup += (setup.empty() ? "" : "; ") + component + " " + what;
    rows.push_back({p.period, fixed(p.peak_rps.value_or(kNaN), 0), setup,
                    fixed(p.p95_s.value_or(kNaN) * 1e3, 1), p.binding,
                    usd(p.monthly_usd.value_or(kNaN))});
    for (const auto& c : p.changes)
      changes += "<li><b>" + escape(p.period) + "</b>: " + escape(c) + "</li>\n";
  }
  std::string side =
      rows.empty() ? std::string()
                   : table({"period", "peak rps", "setup", "p95 ms", "binding", "per month"}, rows);
  std::string html = panel(svg::bar_chart(chart), side);
  if (!changes.empty())
    html += "<h3>Setup changes</h3>\n<ul class=\"changes\">\n" + changes + "</ul>\n";
  // plan.json's runway: one entry per tier of the topology as written, the first to run out first.
  if (r.runway.is_array() && !r.runway.empty()) {
    auto month = [](const Json& v) { return v.is_string() ? v.get<std::string>() : "-"; };
    std::vector<std::vector<std::string>> runway;
    for (const auto& t : r.runway)
      if (t.is_object())
        runway.push_back({t.value("component", ""), t.value("resource", ""),
                          month(t.value("over_headroom", Json())),
                          month(t.value("saturated", Json()))});
    html += "<h3>Capacity runway (the topology as written, if nothing changes)</h3>\n" +
            table({"tier", "resource", "over the headroom from", "saturated from"}, runway);
  }
  return {"plan", "Plan: cost per month", html};
}

constexpr const char* kStyle =
    R"(body{font-family:sans-serif;margin:24px auto;max-width:1500px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:15px}.meta{color:#555;margin:2px 0}nav a{margin-right:14px}
.panel{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start;margin:14px 0}
figure{margin:0}.side{flex:1 1 420px;min-width:0;max-width:820px;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin-bottom:12px}
th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#2a7d2a;font-weight:bold}.fail{color:#c62828;font-weight:bold}
.note{color:#666;font-size:12px}footer{color:#888;font-size:12px;margin-top:40px}
)";

std::string page(const Run& r) {
  std::vector<Section> sections;
  std::vector<svg::Marker> markers;
  if (r.timeline) {
    sections.push_back(drill_section(*r.timeline, r.timeseries));
    markers = drill_markers(*r.timeline, time_axis(r.timeseries));
  }
  if (r.command == "plan") sections.push_back(plan_section(r));
  if (r.summary) {
    const Summary& s = *r.summary;
    sections.push_back(latency_section(s, r.timeseries, markers));
    sections.push_back(throughput_section(s, r.timeseries, markers));
    sections.push_back(utilisation_section(s));
    if (auto q = queues_section(s, r.timeseries, markers)) sections.push_back(*q);
    if (auto q = replicas_section(r.timeseries, markers)) sections.push_back(*q);
    if (auto d = distribution_section(r.latency)) sections.push_back(*d);
    if (s.has_slo) sections.push_back(slo_section(s));
  }

  std::string name = r.summary ? r.summary->topology : r.topology;
  if (r.timeline && !r.timeline->scenario.empty())
    name += (name.empty() ? "" : ", ") + r.timeline->scenario;
  std::string title = "capsim " + r.command + (name.empty() ? "" : ": " + name);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      escape(title) + "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>" + escape(title) + "</h1>\n";
  if (r.summary) {
    const Summary& s = *r.summary;
    out += fmt::format(
        "<p class=\"meta\">Load {} rps ({}); {} replications of {} after {} warm-up; seed {}</p>\n",
        fixed(s.rps, 1), escape(s.load_source), fixed(s.replications, 0), duration(s.duration_s),
        duration(s.warmup_s), fixed(r.seed, 0));
    if (!s.saturated.empty()) {
      std::string list;
      for (const auto& c : s.saturated) list += (list.empty() ? "" : ", ") + c;
      out += "<p class=\"meta\"><span class=\"fail\">Saturated:</span> " + escape(list) +
             " (bottlenecks first)</p>\n";
    }
    if (s.has_slo)
      out += fmt::format("<p class=\"meta\">SLO {}: <span class=\"{}\">{}</span></p>\n",
                         escape(s.slo_file), s.slo_pass ? "pass" : "fail",
                         s.slo_pass ? "met" : "MISSED");
  }
  out += "<nav>";
  for (const auto& s : sections) out += "<a href=\"#" + s.id + "\">" + escape(s.title) + "</a>";
  out += "</nav>\n</header>\n";
  for (const auto& s : sections)
    out += "<section id=\"" + s.id + "\">\n<h2>" + escape(s.title) + "</h2>\n" + s.html +
           "</section>\n";
  out += "<footer>capsim " + escape(r.capsim_version) + " · run directory " + escape(r.dir) +
         " · charts are inline SVG; this page loads nothing else.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace

std::string html_report(const std::string& run_dir) {
  return page(read_run(run_dir));
}

std::string write_html_report(const std::string& run_dir, const std::string& path) {
  std::string html = html_report(run_dir);
  std::string target = path.empty() ? (fs::path(run_dir) / "report.html").string() : path;
  std::ofstream out(target, std::ios::binary);
  out << html;
  out.close();
  if (!out) fail(target, "", "cannot write the report here (expected a writable file path)");
  return target;
}

}  // namespace capsim::output
