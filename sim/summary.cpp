#include "sim/summary.hpp"

#include <algorithm>
#include <cmath>

#include "core/statistics.hpp"

namespace capsim::sim {

Estimate estimate(std::vector<double> samples) {
  Estimate e;
  if (samples.empty()) return e;
  double sum = 0;
  for (double s : samples) sum += s;
  e.mean = sum / samples.size();
  e.half_width = samples.size() >= 2 ? core::confidence_half_width(samples) : NAN;
  e.samples = std::move(samples);
  return e;
}

// Drills over replications: replication 0's timeline; phases merged (each replication's own
// "during" is merged with the others' "during"); recovery and lost writes as estimates.
namespace {

DrillSummary summarise_drills(const std::vector<ReplicationResult>& results) {
  DrillSummary d;
  d.first = *results.front().drill;
  d.phases = d.first.phases;
  std::vector<double> recovery, lost, outage;
  for (std::size_t r = 0; r < results.size(); ++r) {
    const DrillResult& dr = *results[r].drill;
    if (dr.recovered_at)
      recovery.push_back(*dr.recovered_at - dr.fault_at);
    else
      ++d.not_recovered;
    lost.push_back(static_cast<double>(dr.lost_writes));
    d.lost_lag = std::max(d.lost_lag, dr.lost_lag);
    if (dr.last_error) outage.push_back(*dr.last_error - dr.fault_at);
    if (r == 0) continue;
    for (std::size_t p = 0; p < d.phases.size() && p < dr.phases.size(); ++p) {
      d.phases[p].seconds += dr.phases[p].seconds;
      for (std::size_t c = 0; c < d.phases[p].classes.size(); ++c) {
        PhaseClass& into = d.phases[p].classes[c];
        const PhaseClass& from = dr.phases[p].classes[c];
        into.requests += from.requests;
        into.failed += from.failed;
        for (const auto& [cause, n] : from.errors) into.errors[cause] += n;
        into.latency.merge(from.latency);
      }
    }
  }
  d.recovery = estimate(recovery);
  d.lost_writes = estimate(lost);
  d.last_error = estimate(outage);
  return d;
}

}  // namespace

RunSummary summarise(const std::vector<ReplicationResult>& results, const RunSpec& run) {
  RunSummary s;
  s.replications = static_cast<int>(results.size());
  s.duration = run.duration;
  s.warmup = run.warmup;
  s.seed = run.seed;
  if (results.empty()) return s;
  const auto& first = results.front();
  for (std::size_t c = 0; c < first.classes.size(); ++c) {
    ClassSummary cs;
    cs.name = first.classes[c].name;
    std::vector<double> tput, err, mean, p50, p95, p99, p999;
    for (const auto& r : results) {
      const ClassResult& cr = r.classes[c];
      tput.push_back(cr.completed / r.duration);
      // Over the requests that finished: those still in flight when the run ends have no outcome.
      std::uint64_t finished = cr.completed + cr.failed;
      err.push_back(finished ? static_cast<double>(cr.failed) / finished : 0);
      if (cr.latency.count() > 0) {
        mean.push_back(cr.latency.mean());
        p50.push_back(cr.latency.quantile(0.50));
        p95.push_back(cr.latency.quantile(0.95));
        p99.push_back(cr.latency.quantile(0.99));
        p999.push_back(cr.latency.quantile(0.999));
      }
      for (const auto& [cause, n] : cr.errors) cs.errors[cause] += static_cast<double>(n);
      cs.completed += cr.completed;
      cs.failed += cr.failed;
      cs.latency.merge(cr.latency);
    }
    cs.throughput = estimate(tput);
    cs.error_rate = estimate(err);
    cs.mean = estimate(mean);
    cs.p50 = estimate(p50);
    cs.p95 = estimate(p95);
    cs.p99 = estimate(p99);
    cs.p999 = estimate(p999);
    s.classes.push_back(std::move(cs));
  }
  for (std::size_t i = 0; i < first.components.size(); ++i) {
    ComponentSummary cs;
    cs.name = first.components[i].name;
    cs.kind = first.components[i].kind;
    cs.instances = first.components[i].report.instances;
    std::vector<double> util, service, queue, wait, tput, away;
    std::map<std::string, std::vector<double>> extra;
    for (const auto& r : results) {
      const auto& p = r.components[i].report;
      util.push_back(p.utilisation);
      service.push_back(p.service_utilisation < 0 ? p.utilisation : p.service_utilisation);
      queue.push_back(p.mean_queue);
      wait.push_back(p.mean_wait);
      tput.push_back(p.throughput);
      away.push_back(p.turned_away);
      cs.max_queue = std::max(cs.max_queue, p.max_queue);
      for (const auto& [k, v] : p.extra) extra[k].push_back(v);
    }
    cs.utilisation = estimate(util);
    cs.service_utilisation = estimate(service);
    cs.mean_queue = estimate(queue);
    cs.mean_wait = estimate(wait);
    cs.throughput = estimate(tput);
    cs.turned_away = estimate(away);
    for (auto& [k, v] : extra) cs.extra[k] = estimate(v);
    // Saturated: busy nearly all the time, or already turning work away.
    cs.saturated = cs.utilisation.mean >= 0.95 || cs.turned_away.mean > 0;
    cs.bottleneck = cs.service_utilisation.mean >= 0.95;
    s.components.push_back(std::move(cs));
  }
  // With no component busy in its own resource, what limits the system is a pool that is full
  // (workers, job slots): those saturated components are the bottlenecks.
  bool any_bottleneck = false;
  for (const auto& c : s.components) any_bottleneck |= c.bottleneck;
  if (!any_bottleneck)
    for (auto& c : s.components) c.bottleneck = c.saturated;
  // Bottlenecks first (their own resource is busy), then components backed up behind them
  // (holding workers or connections while they wait downstream), busiest first within each.
  std::vector<const ComponentSummary*> busiest;
  for (const auto& c : s.components)
    if (c.saturated) busiest.push_back(&c);
  std::stable_sort(busiest.begin(), busiest.end(), [](auto* a, auto* b) {
    if (a->bottleneck != b->bottleneck) return a->bottleneck;
    if (a->service_utilisation.mean != b->service_utilisation.mean)
      return a->service_utilisation.mean > b->service_utilisation.mean;
    return a->utilisation.mean > b->utilisation.mean;
  });
  for (auto* c : busiest) s.saturated.push_back(c->name);
  s.timeseries = first.timeseries;
  if (first.drill) s.drill = summarise_drills(results);
  for (const auto& r : results) {
    s.shed += r.shed;
    s.wall_seconds += r.wall_seconds;
  }
  return s;
}

}  // namespace capsim::sim
