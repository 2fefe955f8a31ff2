#include "output/html_sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "core/units.hpp"

namespace capsim::output {
namespace {

using svg::escape;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDefaultHeadroom = 0.7;  // the runbooks' 70% capacity rule

// ---- Formatting: "–" for a figure the run's files do not have --------------------------------

template <class T>
double or_nan(const std::optional<T>& v) {
  return v ? static_cast<double>(*v) : kNaN;
}

std::string fixed(double v, int digits) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "–";
}

std::string with_ci(const SummaryFile::Estimate& e, double scale, int digits) {
  std::string s = fixed(e.mean * scale, digits);
  if (std::isfinite(e.mean) && e.ci95) s += " ±" + fixed(*e.ci95 * scale, digits);
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

template <class Count>
std::string causes(const std::map<std::string, Count>& errors) {
  std::string out;
  for (const auto& [cause, n] : errors)
    out += fmt::format("{}{} {:.0f}", out.empty() ? "" : ", ", cause, static_cast<double>(n));
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

// ---- Series from the time series ------------------------------------------------------------

struct TimeAxis {
  double scale;
  std::string label;
};

TimeAxis time_axis(const std::vector<TimeseriesRow>& ts) {
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

using SeriesName = std::function<std::optional<std::string>(const TimeseriesRow&)>;

// One series per name that `name_of` gives a sample (nullopt: leave it out), in order of first
// appearance; y scaled by `scale`.
std::vector<svg::Series> pick(const std::vector<TimeseriesRow>& ts, const TimeAxis& axis,
                              const SeriesName& name_of, double scale = 1) {
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

SeriesName class_metric(const std::string& metric) {
  return [metric](const TimeseriesRow& s) -> std::optional<std::string> {
    if (s.metric == metric) return s.component;
    return std::nullopt;
  };
}

// Error rate per class and sample: errors / (completed + errors), both per second.
std::vector<svg::Series> error_rates(const std::vector<TimeseriesRow>& ts, const TimeAxis& axis) {
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

// ---- Shared by the sections -----------------------------------------------------------------

// The fault, its detection, the promotion of a new primary (when there is one) and the recovery
// as vertical lines; every event is in the table beside the chart.
std::vector<svg::Marker> markers_on(const TimelineFile& t, const TimeAxis& axis) {
  auto first = [&](const char* word) -> const TimelineFile::Event* {
    for (const auto& e : t.events)
      if (e.event.find(word) != std::string::npos) return &e;
    return nullptr;
  };
  std::vector<svg::Marker> m{{t.fault_at_s / axis.scale, "fault", "fault"}};
  if (const auto* e = first("detect")) m.push_back({e->time_s / axis.scale, e->event, "detection"});
  if (const auto* e = first("promot")) m.push_back({e->time_s / axis.scale, e->event, ""});
  if (t.recovered_at_s)
    m.push_back({*t.recovered_at_s / axis.scale, "recovered", "recovery"});
  else if (const auto* e = first("recover"))
    m.push_back({e->time_s / axis.scale, e->event, "recovery"});
  return m;
}

// The SLO's target for a check subject's suffix (" p95", " utilisation"), when all agree.
std::optional<double> slo_target(const SummaryFile& s, const std::string& suffix) {
  std::optional<double> target;
  if (!s.slo) return target;
  for (const auto& c : s.slo->checks) {
    if (c.subject.size() < suffix.size() ||
        c.subject.compare(c.subject.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    if (target && *target != c.target) return std::nullopt;
    target = c.target;
  }
  return target;
}

std::string verdict_html(const TimelineFile::Verdict& v) {
  std::string html = fmt::format("<p>Verdict: <span class=\"{}\">{}</span></p>\n",
                                 v.pass ? "pass" : "fail", v.pass ? "PASS" : "FAIL");
  if (!v.reasons.empty()) {
    html += "<ul>\n";
    for (const auto& r : v.reasons) html += "<li>" + escape(r) + "</li>\n";
    html += "</ul>\n";
  }
  return html;
}

// The cost chart: per component and period from costs.csv, else each period's total.
svg::BarChart cost_chart(const PlanFile& plan, const std::vector<CostRow>& costs) {
  svg::BarChart chart{"Cost per month by component", "USD per month", {}, {}, std::nullopt};
  if (costs.empty()) {
    chart.series.push_back({"total", {}, {}, false});
    for (const auto& p : plan.periods) {
      chart.categories.push_back(p.period);
      chart.series[0].y.push_back(p.monthly_usd.value_or(0));
    }
    return chart;
  }
  std::map<std::string, std::size_t> period_index, component_index;
  for (const auto& c : costs)
    if (period_index.emplace(c.period, chart.categories.size()).second)
      chart.categories.push_back(c.period);
  for (const auto& c : costs) {
    auto [it, added] = component_index.emplace(c.component, chart.series.size());
    if (added)
      chart.series.push_back({c.component, {}, std::vector<double>(chart.categories.size(), 0)});
    chart.series[it->second].y[period_index[c.period]] += c.monthly_usd;
  }
  return chart;
}

}  // namespace

// ---- The sections ---------------------------------------------------------------------------

std::string run_meta(const SummaryFile& s, const RunFile& run) {
  std::string out = fmt::format(
      "<p class=\"meta\">Load {} rps ({}); {} replications of {} after {} warm-up; seed {}</p>\n",
      fixed(or_nan(s.load.rps), 1), escape(s.load.source), fixed(or_nan(s.run.replications), 0),
      duration(or_nan(s.run.duration_s)), duration(or_nan(s.run.warmup_s)),
      fixed(or_nan(run.seed), 0));
  if (!s.saturated.empty()) {
    std::string list;
    for (const auto& c : s.saturated) list += (list.empty() ? "" : ", ") + c;
    out += "<p class=\"meta\"><span class=\"fail\">Saturated:</span> " + escape(list) +
           " (bottlenecks first)</p>\n";
  }
  if (s.slo)
    out += fmt::format("<p class=\"meta\">SLO {}: <span class=\"{}\">{}</span></p>\n",
                       escape(s.slo->file), s.slo->pass ? "pass" : "fail",
                       s.slo->pass ? "met" : "MISSED");
  return out;
}

std::vector<svg::Marker> drill_markers(const TimelineFile& t,
                                       const std::vector<TimeseriesRow>& ts) {
  return markers_on(t, time_axis(ts));
}

Section slo_section(const SummaryFile::Slo& slo) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : slo.checks) {
    bool rate = c.subject.ends_with("error rate") || c.subject.ends_with("utilisation");
    auto show = [&](double v) { return rate ? percent(v) : fixed(v * 1e3, 1) + " ms"; };
    rows.push_back({c.subject, show(c.value), c.ci95 ? "±" + show(*c.ci95) : "", show(c.target),
                    std::string(c.pass ? "ok" : "FAIL") + (c.uncertain ? " (within the CI)" : "")});
  }
  return {"slo", "SLO checks",
          fmt::format("<p>{}: <span class=\"{}\">{}</span></p>\n", escape(slo.file),
                      slo.pass ? "pass" : "fail", slo.pass ? "met" : "MISSED") +
              table({"figure", "mean", "95% CI", "target", "result"}, rows)};
}

Section latency_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
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
  for (const auto& c : s.classes) {
    const auto& l = c.latency_s;
    rows.push_back({c.name, fixed(l.p50.mean * 1e3, 1), with_ci(l.p95, 1e3, 1),
                    with_ci(l.p99, 1e3, 1), fixed(l.p999.mean * 1e3, 1), with_ci(l.mean, 1e3, 1)});
  }
  std::string side =
      table({"class", "p50 ms", "p95 ms (±95% CI)", "p99 ms (±95% CI)", "p99.9 ms", "mean ms"},
            rows) +
      "<p class=\"note\">Over the whole measured window, mean of the replications; the chart is "
      "replication 0, one point per sample interval.</p>\n";
  return {"latency", "Latency", panel(svg::line_chart(chart), side)};
}

Section throughput_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
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
        {c.name, with_ci(c.throughput_rps, 1, 1), percent(c.error_rate.mean), causes(c.errors)});
  return {"throughput", "Throughput and errors",
          panel(svg::line_chart(ok), "<figure>\n" + svg::line_chart(errors) + "</figure>\n") +
              table({"class", "throughput /s (±95% CI)", "error rate", "errors by cause"}, rows)};
}

Section utilisation_section(const SummaryFile& s) {
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
    rows.push_back({c.name, c.kind, fixed(or_nan(c.instances), 0),
                    with_ci(c.utilisation, 100, 1) + "%", fixed(c.mean_queue.mean, 2),
                    fixed(or_nan(c.max_queue), 0), duration(c.mean_wait_s.mean), state});
  }
  return {"utilisation", "Utilisation per tier",
          panel(svg::bar_chart(chart), table({"component", "kind", "inst", "utilisation",
                                              "mean queue", "max q", "mean wait", "state"},
                                             rows))};
}

std::optional<Section> queues_section(const SummaryFile& s, const std::vector<TimeseriesRow>& ts,
                                      const std::vector<svg::Marker>& markers) {
  auto is_component = [&](const std::string& name) {
    return std::any_of(s.components.begin(), s.components.end(),
                       [&](const SummaryFile::Component& c) { return c.name == name; });
  };
  TimeAxis axis = time_axis(ts);
  auto series = pick(ts, axis, [&](const TimeseriesRow& x) -> std::optional<std::string> {
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

std::optional<Section> replicas_section(const std::vector<TimeseriesRow>& ts,
                                        const std::vector<svg::Marker>& markers) {
  TimeAxis axis = time_axis(ts);
  auto series = pick(ts, axis, [](const TimeseriesRow& x) -> std::optional<std::string> {
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

std::optional<Section> distribution_section(const std::vector<LatencyRow>& latency) {
  std::map<std::string, std::vector<std::pair<double, double>>> by_class;
  std::vector<std::string> order;
  for (const auto& b : latency) {
    if (!by_class.count(b.request_class)) order.push_back(b.request_class);
    by_class[b.request_class].emplace_back(b.upper_bound_s, static_cast<double>(b.count));
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

Section drill_section(const TimelineFile& t, const std::vector<TimeseriesRow>& ts) {
  TimeAxis axis = time_axis(ts);
  std::vector<std::vector<std::string>> facts{
      {"fault at", duration(t.fault_at_s)},
      {"recovered at", t.recovered_at_s ? duration(*t.recovered_at_s) : "not recovered"},
      {"time to recover", t.time_to_recover_s ? duration(*t.time_to_recover_s) : "–"}};
  const auto& recovery = t.recovery;
  if (recovery.mean_s)
    facts.push_back({"recovery over replications",
                     duration(*recovery.mean_s) +
                         (recovery.ci95_s ? " ±" + duration(*recovery.ci95_s) : "") +
                         fmt::format(" ({} samples)", recovery.samples_s.size())});
  if (t.lost_writes.count)
    facts.push_back(
        {"lost writes",
         fixed(*t.lost_writes.count, 0) +
             (t.lost_writes.lag_s ? " (replication lag " + duration(*t.lost_writes.lag_s) + ")"
                                  : "")});

  std::vector<std::vector<std::string>> events;
  for (const auto& e : t.events)
    events.push_back({fixed(e.time_s, 1), e.component, e.event, e.detail});
  std::vector<std::vector<std::string>> phases;
  for (const auto& p : t.phases)
    for (const auto& c : p.classes)
      phases.push_back({p.name, fixed(p.from_s, 0) + "–" + fixed(p.to_s, 0) + " s", c.name,
                        fixed(or_nan(c.requests), 0), fixed(or_nan(c.throughput_rps), 1),
                        percent(or_nan(c.error_rate)), fixed(or_nan(c.p50_s) * 1e3, 1),
                        fixed(or_nan(c.p95_s) * 1e3, 1), fixed(or_nan(c.p99_s) * 1e3, 1),
                        causes(c.errors)});

  svg::LineChart rate{"Error rate over time, with the drill's events",
                      axis.label,
                      "error rate (%)",
                      error_rates(ts, axis),
                      markers_on(t, axis),
                      std::nullopt,
                      false};
  std::string html =
      "<p>Scenario <b>" + escape(t.scenario) + "</b></p>\n" +
      (t.verdict ? verdict_html(*t.verdict) : "") +
      panel(svg::line_chart(rate),
            table({"", ""}, facts) + table({"at (s)", "component", "event", "detail"}, events));
  if (!phases.empty())
    html += "<h3>Before, during and after the fault</h3>\n" +
            table({"phase", "window", "class", "requests", "throughput /s", "error rate", "p50 ms",
                   "p95 ms", "p99 ms", "errors by cause"},
                  phases);
  return {"drill", "Drill timeline", html};
}

Section plan_section(const PlanFile& plan, const std::vector<CostRow>& costs) {
  std::vector<std::vector<std::string>> rows;
  std::string changes;
  for (const auto& p : plan.periods) {
    std::string setup;
    for (const auto& [component, what] : p.setup)
      setup += (setup.empty() ? "" : "; ") + component + " " + what;
    rows.push_back({p.period, fixed(or_nan(p.peak_rps), 0), setup, fixed(or_nan(p.p95_s) * 1e3, 1),
                    p.binding, usd(or_nan(p.monthly_usd))});
    for (const auto& c : p.changes)
      changes += "<li><b>" + escape(p.period) + "</b>: " + escape(c) + "</li>\n";
  }
  std::string side =
      rows.empty() ? std::string()
                   : table({"period", "peak rps", "setup", "p95 ms", "binding", "per month"}, rows);
  std::string html = panel(svg::bar_chart(cost_chart(plan, costs)), side);
  if (!changes.empty())
    html += "<h3>Setup changes</h3>\n<ul class=\"changes\">\n" + changes + "</ul>\n";
  // The runway: one entry per tier of the topology as written, the first to run out first.
  if (!plan.runway.empty()) {
    std::vector<std::vector<std::string>> runway;
    for (const auto& r : plan.runway)
      runway.push_back(
          {r.component, r.resource, r.over_headroom.value_or("-"), r.saturated.value_or("-")});
    html += "<h3>Capacity runway (the topology as written, if nothing changes)</h3>\n" +
            table({"tier", "resource", "over the headroom from", "saturated from"}, runway);
  }
  return {"plan", "Plan: cost per month", html};
}

}  // namespace capsim::output
