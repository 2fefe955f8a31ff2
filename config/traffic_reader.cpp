// Traffic JSON -> config::Traffic, and the arithmetic of the growth curve. Every problem is
// recorded against its JSON pointer and reading goes on (see config/json_reader.hpp). The shape is
// documented in topologies/schema/traffic.schema.json.
//
// Rules decided here:
// - "months" counts months of growth after "start": the horizon is start .. start + months, so the
//   VoiceAssist runbook's "50 RPS, 1.5x a month, 6 months" ends at 50 x 1.5^6 (its own arithmetic).
// - Growth "points" interpolates linearly in months between (start, base) and the given points and
//   holds the last point's rate after it; before start it holds base.
// - A daily "peak_to_mean" of k becomes a von Mises-shaped profile exp(b cos(2 pi (h - 14) / 24)),
//   peaking at 14:00, scaled so that mean = 1 and max = k exactly; "hourly" and "weekly" factors
//   are normalised to mean 1. Weekly factors start on Monday.
// - peak_rps assumes the worst alignment: the daily peak hour on the weekly peak day, during the
//   month's largest event (events below 1 do not lower the peak).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "config/load.hpp"
#include "core/units.hpp"

namespace capsim::config {
namespace {

constexpr int kPeakHour = 14;  // where a generated daily profile peaks (assumed: mid-afternoon)
constexpr const char* kMonthExpected = "a month such as \"2026-12\"";

// A strictly positive number no larger than `max`.
std::optional<double> positive(ObjectReader& r, const std::string& key, double max, bool required) {
  const std::string expected = "a number greater than 0 and at most " + number_text(max);
  const Json* j = r.raw(key);
  if (!j) {
    if (required && r.valid()) r.missing(key, expected);
    return std::nullopt;
  }
  if (!j->is_number() || !std::isfinite(j->get<double>())) {
    r.problem(key, "is " + json_type_name(*j) + " (expected " + expected + ")");
    return std::nullopt;
  }
  double v = j->get<double>();
  if (v <= 0 || v > max) {
    r.problem(key, number_text(v) + " is out of range (expected " + expected + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<int> month_value(const Json& j, const std::string& ptr, ReadContext& ctx) {
  if (!j.is_string()) {
    ctx.problem(ptr, "is " + json_type_name(j) + " (expected " + kMonthExpected + ")");
    return std::nullopt;
  }
  auto m = core::parse_month(j.get<std::string>());
  if (!m)
    ctx.problem(ptr, in_quotes(j.get<std::string>()) +
                         " is not a month (expected \"YYYY-MM\", e.g. " + "\"2026-12\")");
  return m;
}

std::optional<int> month_field(ObjectReader& r, const std::string& key, bool required) {
  const Json* j = r.raw(key);
  if (!j) {
    if (required && r.valid()) r.missing(key, kMonthExpected);
    return std::nullopt;
  }
  return month_value(*j, r.at(key), r.context());
}

// Reads N strictly positive factors and normalises them to mean 1.
template <std::size_t N>
bool read_profile(const Json& j, const std::string& ptr, ReadContext& ctx, const char* what,
                  std::array<double, N>& out) {
  const std::string expected = "an array of " + std::to_string(N) + " " + what;
  if (!expect_array(j, ptr, ctx, expected.c_str())) return false;
  if (j.size() != N) {
    ctx.problem(ptr, "has " + std::to_string(j.size()) + " factors (expected " + expected + ")");
    return false;
  }
  bool ok = true;
  double sum = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const Json& v = j[i];
    std::string p = child_pointer(ptr, i);
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      ctx.problem(p, "is " + json_type_name(v) + " (expected a factor greater than 0)");
      ok = false;
    } else if (v.get<double>() <= 0 || v.get<double>() > 1e6) {
      ctx.problem(p, number_text(v.get<double>()) +
                         " is out of range (expected a factor greater than 0 and at most 1e+06)");
      ok = false;
    } else {
      out[i] = v.get<double>();
      sum += out[i];
    }
  }
  if (!ok) return false;
  for (auto& f : out) f *= static_cast<double>(N) / sum;
  return true;
}

// A smooth 24-hour profile with mean 1 and max exactly k (1 <= k < 24).
std::array<double, 24> peak_to_mean_profile(double k) {
  std::array<double, 24> f{};
  f.fill(1.0);
  if (k <= 1) return f;
  // g(b) = max/mean of exp(b (cos t - 1)) grows from 1 (b = 0) towards 24: bisect for g(b) = k.
  auto shape = [](double b, std::array<double, 24>& out) {
    double sum = 0;
    for (int h = 0; h < 24; ++h) {
      double t = 2 * std::numbers::pi * (h - kPeakHour) / 24.0;
      out[h] = std::exp(b * (std::cos(t) - 1));
      sum += out[h];
    }
    return 24.0 / sum;  // max is exp(0) = 1, so max/mean = 24 / sum
  };
  std::array<double, 24> tmp{};
  double lo = 0, hi = 1;
  while (shape(hi, tmp) < k && hi < 1e6) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (shape(mid, tmp) < k ? lo : hi) = mid;
  }
  shape(hi, tmp);
  // Set the peak to k and share the remaining 24 - k over the other hours in proportion, so that
  // mean = 1 and max = k hold exactly, not just to the bisection's precision.
  double others = 0;
  for (int h = 0; h < 24; ++h)
    if (h != kPeakHour) others += tmp[h];
  for (int h = 0; h < 24; ++h) f[h] = h == kPeakHour ? k : tmp[h] * (24.0 - k) / others;
  return f;
}

void read_base(const Json& j, Traffic& t, ReadContext& ctx) {
  ObjectReader r(j, "/base", ctx);
  if (!r.valid()) return;
  bool rps = r.has("rps");
  // Every has() marks its key as known, so ask for all of them (no short-circuit).
  bool users = r.has("users");
  bool has_per_user = r.has("requests_per_user");
  bool has_per = r.has("per");
  users = users || has_per_user || has_per;
  if (rps && users) {
    ctx.problem("/base",
                "has both \"rps\" and \"users\" (expected either {\"rps\"} or {\"users\", "
                "\"requests_per_user\", \"per\"})");
    return;
  }
  if (!rps && !users) {
    ctx.problem("/base",
                "missing required key \"rps\" (expected a mean rate such as {\"rps\": 50} or "
                "{\"users\", \"requests_per_user\", \"per\"})");
    return;
  }
  if (rps) {
    if (auto v = positive(r, "rps", 1e9, true)) t.base_rps = *v;
    return;
  }
  auto n = positive(r, "users", 1e12, true);
  auto per_user = positive(r, "requests_per_user", 1e9, true);
  auto per = r.duration("per", true);
  if (n && per_user && per) t.base_rps = *n * *per_user / *per;
}

void read_growth(const Json& j, Traffic& t, std::optional<int> start, ReadContext& ctx) {
  ObjectReader r(j, "/growth", ctx);
  if (!r.valid()) return;
  auto type = r.choice("type", {"none", "compound", "linear", "points"}, true);
  if (!type) {
    r.allow({"monthly_factor", "monthly_rps", "points"});
    return;
  }
  Growth& g = t.growth;
  g.type = *type;
  if (*type == "compound") {
    if (auto f = positive(r, "monthly_factor", 100, true)) g.monthly_factor = *f;
  } else if (*type == "linear") {
    if (auto d = r.number("monthly_rps", -1e9, 1e9, true)) {
      g.monthly_rps = *d;
      // A declining line must stay above 0 over the horizon (base is checked on its own).
      if (start && t.base_rps > 0) {
        for (int k = 1; k <= t.months; ++k) {
          if (t.base_rps + *d * k <= 0) {
            r.problem("monthly_rps", number_text(*d) + " takes the mean rate to 0 or below by " +
                                         core::format_month(*start + k) +
                                         " (expected a rate above 0 over the whole horizon)");
            break;
          }
        }
      }
    }
  } else if (*type == "points") {
    const Json* p = r.raw("points");
    if (!p) {
      r.missing("points", "an object of months and mean rates such as {\"2027-01\": 80}");
      return;
    }
    ObjectReader pr(*p, r.at("points"), ctx);
    if (!pr.valid()) return;
    if (p->empty())
      ctx.problem(pr.pointer(),
                  "is empty (expected at least one month and mean rate, such as "
                  "{\"2027-01\": 80})");
    for (const auto& [key, value] : p->items()) {
      pr.allow({key.c_str()});
      std::string ptr = child_pointer(pr.pointer(), key);
      auto m = core::parse_month(key);
      if (!m) {
        ctx.problem(ptr,
                    in_quotes(key) + " is not a month (expected \"YYYY-MM\", e.g. \"2027-01\")");
        continue;
      }
      if (start && *m <= *start) {
        ctx.problem(ptr, in_quotes(key) + " is not after start " + in_quotes(core::format_month(*start)) +
                             " (expected months after start; \"base\" gives the start month's "
                             "rate)");
        continue;
      }
      if (auto v = positive(pr, key, 1e9, false)) g.points.emplace_back(*m, *v);
    }
    std::sort(g.points.begin(), g.points.end());
  }
}

void read_daily(const Json& j, Traffic& t, ReadContext& ctx) {
  ObjectReader r(j, "/daily", ctx);
  if (!r.valid()) return;
  bool ratio = r.has("peak_to_mean"), hourly = r.has("hourly");
  if (ratio && hourly) {
    ctx.problem("/daily", "has both \"peak_to_mean\" and \"hourly\" (expected one of them)");
    return;
  }
  if (!ratio && !hourly) {
    ctx.problem("/daily",
                "missing required key \"peak_to_mean\" or \"hourly\" (expected a peak-to-mean "
                "ratio such as 2 or an array of 24 hourly factors)");
    return;
  }
  if (ratio) {
    if (auto k = r.number("peak_to_mean", 1, 20, true)) t.hourly = peak_to_mean_profile(*k);
    return;
  }
  std::array<double, 24> f{};
  if (read_profile(*r.raw("hourly"), r.at("hourly"), ctx, "hourly factors from 00:00", f))
    t.hourly = f;
}

void read_event(const Json& j, const std::string& ptr, Traffic& t, std::optional<int> start,
                ReadContext& ctx) {
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return;
  TrafficEvent e;
  auto name = r.string("name", true);
  auto month = month_field(r, "month", true);
  auto factor = positive(r, "factor", 1000, true);
  auto duration = r.duration("duration", true);
  if (month && start && (*month < *start || *month > *start + t.months)) {
    r.problem("month", in_quotes(core::format_month(*month)) + " is outside the horizon " +
                           core::format_month(*start) + " to " + core::format_month(*start + t.months) +
                           " (expected a month within it)");
    return;
  }
  if (duration && *duration > 31 * 86400.0) {
    r.problem("duration", "is longer than a month (expected a one-off event of at most \"31d\")");
    return;
  }
  if (!name || !month || !factor || !duration) return;
  e.name = *name;
  e.month = *month;
  e.factor = *factor;
  e.duration = *duration;
  t.events.push_back(e);
}

void read_arrival(const Json& j, Traffic& t, ReadContext& ctx) {
  ObjectReader r(j, "/arrival", ctx);
  if (!r.valid()) return;
  auto process = r.choice("process", {"poisson", "mmpp"}, true);
  if (!process) {
    r.allow({"burst_factor", "mean_burst", "mean_calm"});
    return;
  }
  t.arrival.process = *process;
  if (*process == "poisson") {
    for (const char* key : {"burst_factor", "mean_burst", "mean_calm"})
      if (r.has(key))
        r.problem(key,
                  "is only used with \"process\": \"mmpp\" (expected no MMPP setting for a "
                  "Poisson process)");
    return;
  }
  if (auto b = r.number("burst_factor", 1, 1000, true)) t.arrival.burst_factor = *b;
  if (auto d = r.duration("mean_burst", true)) t.arrival.mean_burst = *d;
  if (auto d = r.duration("mean_calm", true)) t.arrival.mean_calm = *d;
}

double profile_max(const double* begin, const double* end) {
  double m = *std::max_element(begin, end);
  return m > 0 ? m : 1.0;  // an unset (all-zero) profile is flat
}

}  // namespace

Traffic read_traffic(const Json& j, ReadContext& ctx) {
  Traffic t;
  t.file = ctx.file;
  t.hourly.fill(1.0);
  t.weekly.fill(1.0);
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return t;
  t.name = r.required_string("name", "a name for the traffic curve");
  t.description = r.string_or("description", "");
  auto start = month_field(r, "start", true);
  if (start) t.start_month = *start;
  t.months = static_cast<int>(r.integer_or("months", 1, 120, t.months));
  if (const Json* b = r.raw("base"))
    read_base(*b, t, ctx);
  else
    r.missing("base", "a mean rate such as {\"rps\": 50}");
  if (const Json* g = r.raw("growth")) read_growth(*g, t, start, ctx);
  if (const Json* d = r.raw("daily")) read_daily(*d, t, ctx);
  if (const Json* w = r.raw("weekly")) {
    std::array<double, 7> f{};
    if (read_profile(*w, "/weekly", ctx, "daily factors from Monday", f)) t.weekly = f;
  }
  if (const Json* es = r.raw("events")) {
    if (expect_array(*es, "/events", ctx, "an array of events")) {
      for (std::size_t i = 0; i < es->size(); ++i)
        read_event((*es)[i], child_pointer("/events", i), t, start, ctx);
    }
  }
  if (const Json* a = r.raw("arrival")) read_arrival(*a, t, ctx);
  return t;
}

double Traffic::mean_rps(int month) const {
  int k = month - start_month;
  if (growth.type == "compound") return base_rps * std::pow(growth.monthly_factor, k);
  if (growth.type == "linear") return std::max(0.0, base_rps + growth.monthly_rps * k);
  if (growth.type == "points") {
    if (k <= 0 || growth.points.empty()) return base_rps;
    std::pair<int, double> prev{start_month, base_rps};
    for (const auto& point : growth.points) {
      if (month <= point.first) {
        double w = static_cast<double>(month - prev.first) / (point.first - prev.first);
        return prev.second + w * (point.second - prev.second);
      }
      prev = point;
    }
    return prev.second;
  }
  return base_rps;
}

double Traffic::peak_rps(int month, bool with_events) const {
  double peak = mean_rps(month) * profile_max(hourly.data(), hourly.data() + hourly.size()) *
                profile_max(weekly.data(), weekly.data() + weekly.size());
  if (with_events) {
    double factor = 1;
    for (const auto& e : events)
      if (e.month == month) factor = std::max(factor, e.factor);
    peak *= factor;
  }
  return peak;
}

std::vector<int> Traffic::periods() const {
  std::vector<int> p;
  for (int k = 0; k <= months; ++k) p.push_back(start_month + k);
  return p;
}

}  // namespace capsim::config
