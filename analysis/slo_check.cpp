#include "analysis/slo_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

namespace capsim::analysis {

sim::RecoveryRule recovery_rule(const config::Slo& slo, const config::Topology& topology) {
  sim::RecoveryRule rule;
  rule.max_error_rate = slo.max_error_rate;
  for (const auto& r : topology.requests) {
    auto own = slo.classes.find(r.name);
    const config::LatencyTarget& t = own != slo.classes.end() ? own->second : slo.all;
    std::vector<sim::RecoveryRule::Target> targets;
    if (t.p50) targets.push_back({0.50, *t.p50});
    if (t.p95) targets.push_back({0.95, *t.p95});
    if (t.p99) targets.push_back({0.99, *t.p99});
    if (t.p999) targets.push_back({0.999, *t.p999});
    rule.per_class.push_back(std::move(targets));
  }
  return rule;
}

FailoverVerdict check_failover(const config::Slo& slo, const sim::DrillSummary& drill) {
  FailoverVerdict v;
  const auto& allow = slo.failover;
  auto percent = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f%%", 100 * x);
    return std::string(b);
  };
  std::uint64_t requests = 0, failed = 0;
  for (const auto& c : drill.phases[1].classes) {
    requests += c.requests;
    failed += c.failed;
  }
  double rate = requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0;
  if (allow.max_error_rate < 1) {
    bool rate_ok = rate <= allow.max_error_rate;
    v.reasons.push_back(std::string(rate_ok ? "held" : "breached") +
                        ": error rate during the fault " + percent(rate) + " (allowed " +
                        percent(allow.max_error_rate) + ")");
    v.pass = v.pass && rate_ok;
  } else {
    v.reasons.push_back("error rate during the fault " + percent(rate) + " (no ceiling set)");
  }
  char b[160];
  if (drill.not_recovered > 0) {
    v.pass = false;
    std::snprintf(
        b, sizeof b,
        "breached: the SLO did not hold again before the end of the drill (%d of %d replications)",
        drill.not_recovered, drill.not_recovered + static_cast<int>(drill.recovery.samples.size()));
    v.reasons.push_back(b);
  } else if (allow.max_recovery) {
    double worst = *std::max_element(drill.recovery.samples.begin(), drill.recovery.samples.end());
    bool ok = worst <= *allow.max_recovery;
    v.pass = v.pass && ok;
    std::snprintf(b, sizeof b, "%s: recovered within %.1f s (allowed %.0f s)",
                  ok ? "held" : "breached", worst, *allow.max_recovery);
    v.reasons.push_back(b);
  }
  if (allow.max_lost_writes) {
    double worst =
        drill.lost_writes.samples.empty()
            ? 0
            : *std::max_element(drill.lost_writes.samples.begin(), drill.lost_writes.samples.end());
    bool ok = worst <= static_cast<double>(*allow.max_lost_writes);
    v.pass = v.pass && ok;
    std::snprintf(b, sizeof b, "%s: %.0f acknowledged writes lost (allowed %lld)",
                  ok ? "held" : "breached", worst, *allow.max_lost_writes);
    v.reasons.push_back(b);
  }
  return v;
}

}  // namespace capsim::analysis
