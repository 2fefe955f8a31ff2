// Stages 4 to 6: the period's figures and costs, the capacity runway and the runbook's rules of
// thumb (plan/stages.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "plan/analytic.hpp"
#include "plan/stages.hpp"

namespace capsim::plan {

using namespace config;

void cost_period(PeriodPlan& period, const Topology& t, const sim::RunSummary& confirmed,
                 const Setup& before, double before_cost, const Catalog& catalog, const Slo& slo) {
  const Setup& setup = period.setup;
  Prediction predicted = predict(apply(t, setup, catalog), period.peak_rps);
  double closest = -1;
  for (std::size_t i = 0; i < t.components.size(); ++i) {
    TierCheck tc;
    tc.component = t.components[i].name;
    tc.choice = setup[i];
    tc.setup = describe(t.components[i], setup[i]);
    tc.monthly = monthly_cost(t.components[i], setup[i], catalog);
    tc.utilisation = confirmed.components.empty() ? predicted.tiers[i].utilisation
                                                  : confirmed.components[i].utilisation.mean;
    tc.predicted = predicted.tiers[i].utilisation;
    period.monthly += tc.monthly;
    if (tc.utilisation / slo.headroom > closest) {
      closest = tc.utilisation / slo.headroom;
      period.binding =
          fmt::format("{} {} at {:.0f}% (headroom {:.0f}%)", tc.component,
                      predicted.tiers[i].resource, 100 * tc.utilisation, 100 * slo.headroom);
    }
    period.tiers.push_back(tc);
  }
  RunFigures figures = run_figures(confirmed);
  period.p95 = figures.p95;
  period.p99 = figures.p99;
  period.error_rate = figures.error_rate;
  period.delta = period.monthly - before_cost;
  for (std::size_t i = 0; i < t.components.size(); ++i)
    if (!(before[i] == setup[i]))
      period.changes.push_back(change_text(t.components[i], before[i], setup[i]));
}

std::vector<Runway> capacity_runway(const Topology& t, const Traffic& traffic, double headroom) {
  std::vector<Runway> out;
  for (std::size_t i = 0; i < t.components.size(); ++i) {
    Runway r;
    r.component = t.components[i].name;
    for (int month : traffic.periods()) {
      TierPrediction p = predict(t, traffic.peak_rps(month)).tiers[i];
      r.resource = p.resource;
      if (!r.over_headroom && p.utilisation > headroom) r.over_headroom = month;
      if (!r.saturated && p.utilisation >= 1) r.saturated = month;
    }
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const Runway& a, const Runway& b) {
    int ma = a.over_headroom.value_or(1 << 30), mb = b.over_headroom.value_or(1 << 30);
    return ma < mb;
  });
  return out;
}

std::vector<RuleOfThumbRow> rules_of_thumb(const Topology& t, const Traffic& traffic) {
  std::vector<RuleOfThumbRow> out;
  const auto& rt = t.rules_of_thumb;
  if (!rt) return out;
  for (int month : traffic.periods()) {
    RuleOfThumbRow row;
    row.month = month;
    row.rps = traffic.mean_rps(month);
    row.users = row.rps * rt->users_per_rps;
    row.app_instances = static_cast<int>(std::ceil(row.rps / rt->rps_per_app_instance));
    row.db_connections =
        static_cast<int>(std::ceil(row.users / 1000 * rt->db_connections_per_1000_users));
    row.redis_gb = std::ceil(row.users / 10000 * rt->redis_gb_per_10000_users);
    row.database = row.db_connections > rt->replicas_above_connections
                       ? "primary + 2 read replicas + PgBouncer"
                       : "primary + PgBouncer";
    row.redis = row.redis_gb > rt->redis_cluster_above_gb
                    ? "3-node cluster"
                    : fmt::format("single instance ({:.0f} GB)", row.redis_gb);
    out.push_back(row);
  }
  return out;
}

}  // namespace capsim::plan
