// SLO JSON -> config::Slo: latency targets overall and per request class, an error-rate ceiling,
// the utilisation headroom rule and what must hold during a failover. The shape is documented in
// topologies/schema/slo.schema.json.
#include "config/load.hpp"

namespace capsim::config {
namespace {

LatencyTarget read_latency(const Json& j, const std::string& ptr, ReadContext& ctx) {
  LatencyTarget t;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return t;
  const std::vector<std::pair<const char*, std::optional<double>*>> keys = {
      {"p50", &t.p50}, {"p95", &t.p95}, {"p99", &t.p99}, {"p999", &t.p999}};
  bool any = false;
  const char* previous = nullptr;
  double previous_value = 0;
  for (const auto& [key, field] : keys) {
    if (!r.has(key)) continue;
    any = true;
    *field = r.duration(key);
    if (!*field) continue;
    if (previous && **field < previous_value)
      r.problem(key, std::string(key) + " " + in_quotes(j.at(key).get<std::string>()) +
                         " is below " + previous + " " +
                         in_quotes(j.at(previous).get<std::string>()) +
                         " (expected p50 <= p95 <= p99 <= p999)");
    previous = key;
    previous_value = **field;
  }
  if (!any)
    ctx.problem(ptr,
                "has no percentile (expected at least one of \"p50\", \"p95\", \"p99\", \"p999\")");
  return t;
}

}  // namespace

Slo read_slo(const Json& j, ReadContext& ctx) {
  Slo s;
  s.file = ctx.file;
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return s;
  s.name = r.string_or("name", "");
  s.description = r.string_or("description", "");
  if (const Json* l = r.raw("latency")) s.all = read_latency(*l, "/latency", ctx);
  if (const Json* cs = r.raw("classes")) {
    ObjectReader cr(*cs, "/classes", ctx);
    if (cr.valid()) {
      for (const auto& [name, value] : cs->items()) {
        cr.allow({name.c_str()});
        s.classes[name] = read_latency(value, child_pointer("/classes", name), ctx);
      }
    }
  }
  s.max_error_rate = r.fraction_or("error_rate", s.max_error_rate);
  if (auto h = r.fraction("headroom")) {
    if (*h <= 0)
      r.problem("headroom",
                "0 is out of range (expected a utilisation ceiling above 0 and at most "
                "1, such as 0.7)");
    else
      s.headroom = *h;
  }
  if (const Json* f = r.raw("failover")) {
    ObjectReader fr(*f, "/failover", ctx);
    if (fr.valid()) {
      s.failover.max_error_rate = fr.fraction_or("max_error_rate", s.failover.max_error_rate);
      if (fr.has("max_recovery")) s.failover.max_recovery = fr.duration("max_recovery");
      if (fr.has("max_lost_writes"))
        s.failover.max_lost_writes = fr.integer("max_lost_writes", 0, 1LL << 50);
    }
  }
  return s;
}

}  // namespace capsim::config
