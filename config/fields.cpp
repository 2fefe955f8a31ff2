#include "config/fields.hpp"

#include "core/units.hpp"

namespace capsim::config {

std::optional<core::Distribution> read_distribution(const Json& j, const std::string& ptr,
                                                    ReadContext& ctx) {
  // The short form: a duration string is a constant demand.
  if (j.is_string()) {
    core::Parsed p = core::parse_duration(j.get<std::string>());
    if (!p.error.empty()) {
      ctx.problem(ptr, p.error);
      return std::nullopt;
    }
    if (p.value <= 0 || p.value > 1e9) {
      ctx.problem(ptr,
                  "\"" + j.get<std::string>() +
                      "\" is out of range (expected a duration greater than 0 and under 30 years)");
      return std::nullopt;
    }
    return core::Distribution::constant(p.value);
  }
  if (!j.is_object()) {
    ctx.problem(ptr, "is " + json_type_name(j) +
                         " (expected a duration such as \"4ms\" or a distribution object)");
    return std::nullopt;
  }
  ObjectReader r(j, ptr, ctx);
  auto kind = r.choice("dist", {"const", "exp", "lognormal", "uniform", "empirical"}, true);
  if (!kind) {
    r.allow({"mean", "cv", "min", "max", "p50", "p90", "p95", "p99", "p999"});
    return std::nullopt;
  }
  core::Distribution d;
  if (*kind == "const" || *kind == "exp" || *kind == "lognormal") {
    auto mean = r.duration("mean", true);
    std::optional<double> cv;
    if (*kind == "lognormal") cv = r.number("cv", 0.0, 100.0, true);
    if (!mean || (*kind == "lognormal" && !cv)) return std::nullopt;
    if (*kind == "const") return core::Distribution::constant(*mean);
    if (*kind == "exp") return core::Distribution::exponential(*mean);
    d.kind = core::DistKind::LogNormal;
    d.mean = *mean;
    d.cv = *cv;
    return d;
  }
  if (*kind == "uniform") {
    auto lo = r.duration("min", true, true);
    auto hi = r.duration("max", true);
    if (!lo || !hi) return std::nullopt;
    if (*hi <= *lo) {
      r.problem("max", "must be greater than \"min\" (expected min < max)");
      return std::nullopt;
    }
    d.kind = core::DistKind::Uniform;
    d.min = *lo;
    d.max = *hi;
    d.mean = (*lo + *hi) / 2;
    return d;
  }
  // empirical: a piecewise-linear CDF through the given percentiles
  d.kind = core::DistKind::Empirical;
  d.min = r.duration_or("min", 0, true);
  std::vector<std::pair<double, double>> points = {{0.0, d.min}};
  const std::vector<std::pair<const char*, double>> keys = {
      {"p50", 0.50}, {"p90", 0.90}, {"p95", 0.95}, {"p99", 0.99}, {"p999", 0.999}};
  for (const auto& [key, p] : keys)
    if (auto v = r.duration(key)) points.emplace_back(p, *v);
  auto hi = r.duration("max", true);
  if (!hi) return std::nullopt;
  points.emplace_back(1.0, *hi);
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].second < points[i - 1].second) {
      ctx.problem(ptr, "percentiles must not decrease (expected min <= p50 <= ... <= max)");
      return std::nullopt;
    }
  }
  double mean = 0;
  for (std::size_t i = 1; i < points.size(); ++i)
    mean += (points[i].first - points[i - 1].first) * (points[i].second + points[i - 1].second) / 2;
  if (mean <= 0) {
    ctx.problem(ptr, "has a mean of 0 (expected some positive percentile)");
    return std::nullopt;
  }
  d.mean = mean;
  d.max = *hi;
  d.percentiles = std::move(points);
  return d;
}

std::optional<core::Distribution> distribution_field(ObjectReader& r, const std::string& key) {
  const Json* j = r.raw(key);
  if (!j) return std::nullopt;
  return read_distribution(*j, r.at(key), r.context());
}

}  // namespace capsim::config
