#include "analysis/slo_check.hpp"

#include <cmath>

namespace capsim::analysis {
namespace {

void check(SloVerdict& v, std::string subject, const sim::Estimate& e, double target,
           bool is_latency = false) {
  SloCheck c;
  c.is_latency = is_latency;
  c.subject = std::move(subject);
  c.value = e.mean;
  c.half_width = std::isfinite(e.half_width) ? e.half_width : 0;
  c.target = target;
  c.pass = e.mean <= target;
  c.uncertain = std::fabs(e.mean - target) <= c.half_width;
  v.pass = v.pass && c.pass;
  v.checks.push_back(std::move(c));
}

}  // namespace

SloVerdict check_slo(const config::Slo& slo, const sim::RunSummary& run) {
  SloVerdict v;
  for (const auto& c : run.classes) {
    auto own = slo.classes.find(c.name);
    const config::LatencyTarget& t = own != slo.classes.end() ? own->second : slo.all;
    if (t.p50) check(v, c.name + " p50", c.p50, *t.p50, true);
    if (t.p95) check(v, c.name + " p95", c.p95, *t.p95, true);
    if (t.p99) check(v, c.name + " p99", c.p99, *t.p99, true);
    if (t.p999) check(v, c.name + " p99.9", c.p999, *t.p999, true);
    check(v, c.name + " error rate", c.error_rate, slo.max_error_rate);
  }
  for (const auto& c : run.components)
    check(v, c.name + " utilisation", c.utilisation, slo.headroom);
  return v;
}

}  // namespace capsim::analysis
