#include "plan/planner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "analysis/slo_check.hpp"
#include "core/units.hpp"
#include "plan/analytic.hpp"
#include "plan/checks.hpp"
#include "sim/replications.hpp"

namespace capsim::plan {

using namespace config;

namespace {

// One tier's option: a choice and what it costs.
struct Option {
  Choice choice;
  double monthly = 0;
};

// The cheapest choice of every instance type and mode for one tier that keeps it under the
// headroom (and, with `n_plus_1`, survives losing one instance) at `rps`, cheapest first. Counts
// start from `floor` when the type and mode are unchanged, so that a plan never shrinks a tier.
std::vector<Option> tier_options(const Topology& t, const Setup& base, std::size_t i,
                                 const Knob& knob, const Choice* floor, double rps, double headroom,
                                 bool n_plus_1, const Catalog& catalog, int& evaluated) {
  std::vector<Option> out;
  for (const auto& instance : knob.instances)
    for (const auto& mode : knob.modes) {
      int from = knob.min;
      if (floor && floor->instance == instance && floor->mode == mode)
        from = std::max(from, floor->count);
      // Another instance type must not shrink the tier's vCPUs either: a family is changed for
      // a cost reason, never to shed capacity that the next period needs again.
      if (floor && floor->instance != instance && !floor->instance.empty() && !instance.empty() &&
          floor->mode == mode) {
        const auto* was = catalog.find(floor->instance);
        const auto* now = catalog.find(instance);
        if (was && now && now->vcpus > 0)
          from = std::max(from, (floor->count * was->vcpus + now->vcpus - 1) / now->vcpus);
      }
      // A Sentinel or a cluster needs a replica per master to fail over to.
      if (mode == "sentinel" || (t.components[i].kind == "postgres" && n_plus_1))
        from = std::max(from, 1);
      for (int n = from; n <= knob.max; ++n) {
        Setup s = base;
        s[i] = Choice{n, instance, mode};
        Topology candidate = apply(t, s, catalog);
        ++evaluated;
        TierPrediction p = predict(candidate, rps).tiers[i];
        if (p.utilisation > headroom) continue;
        if (n_plus_1 && !p.survives_loss) continue;
        out.push_back({s[i], monthly_cost(t.components[i], s[i], catalog)});
        break;  // more of the same only costs more
      }
    }
  std::stable_sort(out.begin(), out.end(),
                   [](const Option& a, const Option& b) { return a.monthly < b.monthly; });
  return out;
}

double setup_cost(const Topology& t, const Setup& s, const Catalog& catalog) {
  double total = 0;
  for (std::size_t i = 0; i < s.size(); ++i) total += monthly_cost(t.components[i], s[i], catalog);
  return total;
}

std::string change_text(const Component& c, const Choice& from, const Choice& to) {
  std::string what;
  if (from.mode != to.mode) what = fmt::format("{} -> {}", from.mode, to.mode);
  if (from.instance != to.instance)
    what += (what.empty() ? "" : ", ") + fmt::format("{} -> {}", from.instance, to.instance);
  if (from.count != to.count) {
    std::string noun = count_noun(c, to);
    if (c.kind == "postgres" && to.count > from.count)
      what += (what.empty() ? "" : ", ") +
              fmt::format("add {} read replica{} ({} in all)", to.count - from.count,
                          to.count - from.count == 1 ? "" : "s", to.count);
    else
      what += (what.empty() ? "" : ", ") + fmt::format("{} {} -> {}", noun, from.count, to.count);
  }
  return c.name + ": " + what;
}

}  // namespace

PlanResult make_plan(const Topology& topology, const Traffic& traffic_in, const Catalog& catalog,
                     const Slo& slo, const PlanOptions& options) {
  auto wall_start = std::chrono::steady_clock::now();
  Traffic traffic = traffic_in;
  if (options.horizon > 0) traffic.months = options.horizon - 1;
  PlanResult result;
  const auto knob_list = knobs(topology);
  const std::size_t n = topology.components.size();
  Setup written(n);
  for (std::size_t i = 0; i < n; ++i) written[i] = current_choice(topology.components[i]);

  std::optional<Setup> previous;
  double previous_cost = 0;
  for (int month : traffic.periods()) {
    PeriodPlan period;
    period.month = month;
    period.peak_rps = traffic.peak_rps(month);
    double rps = period.peak_rps;
    if (options.progress) {
      // Periods grow in load, so the ETA from the ones done so far is a lower bound.
      auto periods = traffic.periods();
      std::size_t done = result.periods.size();
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      std::string eta =
          done ? fmt::format(", ETA {:.0f} s+", elapsed / done * (periods.size() - done)) : "";
      options.progress(
          fmt::format("period {}/{} {} at {:.0f} rps: {} simulations so far, {:.0f} s{}", done + 1,
                      periods.size(), core::format_month(month), rps, result.simulations, elapsed, eta));
    }

    // 1. The analytic search: per tier, the cheapest option meeting headroom and N+1. Tiers are
    // independent in this model (each one's demand per request is fixed by the call trees), so
    // the cheapest setup is the cheapest option of each.
    std::vector<std::vector<Option>> options_per_tier(n);
    Setup cheapest = previous ? *previous : written;
    bool feasible = true;
    for (std::size_t i = 0; i < n; ++i) {
      const Choice* floor = previous ? &(*previous)[i] : nullptr;
      options_per_tier[i] = tier_options(topology, cheapest, i, knob_list[i], floor, rps,
                                         slo.headroom, true, catalog, period.candidates);
      if (options_per_tier[i].empty()) {
        feasible = false;
        // The largest allowed is the closest to feasible.
        cheapest[i] =
            Choice{knob_list[i].max, knob_list[i].instances.back(), knob_list[i].modes.back()};
        TierPrediction p = predict(apply(topology, cheapest, catalog), rps).tiers[i];
        period.why_not += fmt::format(
            "{}{}: nothing in its range meets the headroom and survives a loss ({} at {:.0f}%{})",
            period.why_not.empty() ? "" : "; ", topology.components[i].name, p.resource,
            100 * p.utilisation, p.survives_loss ? "" : "; " + p.loss_note);
      } else {
        cheapest[i] = options_per_tier[i].front().choice;
      }
    }
    // The premium for N+1: the same search without it (and without a floor).
    {
      Setup bare = cheapest;
      for (std::size_t i = 0; i < n; ++i) {
        int unused = 0;
        auto opts = tier_options(topology, bare, i, knob_list[i], nullptr, rps, slo.headroom, false,
                                 catalog, unused);
        if (!opts.empty()) bare[i] = opts.front().choice;
      }
      period.n_plus_1_premium =
          setup_cost(topology, cheapest, catalog) - setup_cost(topology, bare, catalog);
    }
    // The runner-up: the one tier whose second option costs the least extra, upgraded.
    std::optional<Setup> runner_up;
    double extra = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& o = options_per_tier[i];
      if (o.size() < 2) continue;
      if (o[1].monthly - o[0].monthly < extra) {
        extra = o[1].monthly - o[0].monthly;
        runner_up = cheapest;
        (*runner_up)[i] = o[1].choice;
      }
    }

    // 2. The simulation confirms: the SLO (percentiles, errors) and the headroom on every tier.
    // While it does not, the tier it names (the one furthest over the headroom, else the
    // bottleneck) grows by one and the simulation runs again.
    sim::RunSpec run = confirmation_run(rps, options.seed);
    sim::LoadSpec load;
    load.rps = rps;
    load.arrival = traffic.arrival;
    Setup setup = cheapest;
    sim::RunSummary confirmed;
    bool slo_ok = false;
    // A period the analytic search finds infeasible is not simulated: nothing there could be
    // recommended, and its figures are the analytic model's.
    for (int attempt = 0; feasible && attempt < 8; ++attempt) {
      Topology candidate = apply(topology, setup, catalog);
      std::vector<sim::BatchRun> batch = {{&candidate, load, run, options.replications}};
      Topology runner_topology;
      bool with_runner = attempt == 0 && runner_up;
      if (with_runner) {
        runner_topology = apply(topology, *runner_up, catalog);
        batch.push_back({&runner_topology, load, run, options.replications});
      }
      auto summaries = sim::run_batch(batch, options.processes);
      period.simulations += static_cast<int>(batch.size());
      if (with_runner) {
        period.runner_up = runner_up;
        period.runner_up_monthly = setup_cost(topology, *runner_up, catalog);
        period.runner_up_confirmed = analysis::check_slo(slo, summaries[1]).pass;
      }
      confirmed = summaries[0];
      auto verdict = analysis::check_slo(slo, confirmed);
      if (verdict.pass) {
        slo_ok = true;
        break;
      }
      // Which tier to grow: furthest over its headroom in the simulation, else the first
      // saturated one, else the busiest.
      int grow = -1;
      double worst = -1;
      for (std::size_t i = 0; i < n; ++i) {
        double u = confirmed.components[i].utilisation.mean;
        if (u > worst && setup[i].count < knob_list[i].max) worst = u, grow = static_cast<int>(i);
      }
      for (const auto& name : confirmed.saturated) {
        int i = topology.index_of(name);
        if (i >= 0 && setup[i].count < knob_list[i].max) {
          grow = i;
          break;
        }
      }
      if (grow < 0) break;
      // By the Utilisation Law the tier needs count x U / headroom instances; at least one more.
      double u = confirmed.components[grow].utilisation.mean;
      int want = static_cast<int>(std::ceil(setup[grow].count * u / slo.headroom));
      setup[grow].count = std::clamp(want, setup[grow].count + 1,
                                     std::max(setup[grow].count + 1, knob_list[grow].max));
      if (options.progress)
        options.progress(fmt::format("{}: simulation breaks the SLO; {} grows to {}",
                                     core::format_month(month), topology.components[grow].name,
                                     setup[grow].count));
    }
    if (!slo_ok && feasible)
      period.why_not = "the simulation breaks the SLO even at the largest setups tried";

    // 3. N+1, confirmed: a drill losing one instance (or the primary/master) of each tier, at
    // the peak, judged by the SLO's failover allowance.
    if (slo_ok && feasible && options.drills) {
      for (int round = 0; round < 3; ++round) {
        Topology candidate = apply(topology, setup, catalog);
        std::vector<std::size_t> tiers;
        for (std::size_t i = 0; i < n; ++i) {
          // Tiers whose survival is only a matter of capacity (nginx, PgBouncer, workers) are
          // drilled when their setup changes; the app tier (nginx's retries) and the stateful
          // ones (failover protocols) at every period.
          const auto& kind = topology.components[i].kind;
          bool every_period =
              kind == "app" || kind == "postgres" || kind == "redis" || kind == "qdrant";
          if (!every_period && previous && (*previous)[i] == setup[i]) continue;
          tiers.push_back(i);
        }
        period.drills = run_loss_drills(candidate, tiers, load, run, slo, options.processes);
        period.simulations += static_cast<int>(period.drills.size());
        bool grew = false, structural = false;
        for (const auto& ld : period.drills) {
          if (ld.pass) continue;
          std::size_t i = ld.tier;
          const auto& kind = topology.components[i].kind;
          bool stateless = kind == "app" || kind == "worker_queue" || kind == "pgbouncer" ||
                           kind == "load_balancer" || kind == "qdrant";
          if (stateless && setup[i].count < knob_list[i].max) {
            setup[i].count += 1;  // more survivors
            grew = true;
          } else {
            structural = true;
          }
        }
        // Grew: more survivors only lower the load, so the SLO still holds; drill again.
        if (!grew || structural) break;
      }
      // Whatever still fails after the last round rules the setup out.
      for (const auto& d : period.drills)
        if (!d.pass)
          period.why_not += (period.why_not.empty() ? "" : "; ") +
                            fmt::format("does not survive losing {} ({})", d.target, d.note);
    }
    period.recommended = slo_ok && feasible && period.why_not.empty();
    period.setup = setup;
    result.simulations += period.simulations;

    // 4. Figures and costs.
    Topology final_topology = apply(topology, setup, catalog);
    Prediction predicted = predict(final_topology, rps);
    double closest = -1;
    for (std::size_t i = 0; i < n; ++i) {
      TierCheck tc;
      tc.component = topology.components[i].name;
      tc.choice = setup[i];
      tc.setup = describe(topology.components[i], setup[i]);
      tc.monthly = monthly_cost(topology.components[i], setup[i], catalog);
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
    // The first period's delta is against the topology as written.
    period.delta =
        period.monthly - (previous ? previous_cost : setup_cost(topology, written, catalog));
    const Setup& before = previous ? *previous : written;
    for (std::size_t i = 0; i < n; ++i)
      if (!(before[i] == setup[i]))
        period.changes.push_back(change_text(topology.components[i], before[i], setup[i]));
    previous = setup;
    previous_cost = period.monthly;
    result.periods.push_back(std::move(period));
  }

  // Capacity runway: the topology as written, against each period's peak.
  for (std::size_t i = 0; i < n; ++i) {
    Runway r;
    r.component = topology.components[i].name;
    for (int month : traffic.periods()) {
      TierPrediction p = predict(topology, traffic.peak_rps(month)).tiers[i];
      r.resource = p.resource;
      if (!r.over_headroom && p.utilisation > slo.headroom) r.over_headroom = month;
      if (!r.saturated && p.utilisation >= 1) r.saturated = month;
    }
    result.runway.push_back(r);
  }
  std::stable_sort(
      result.runway.begin(), result.runway.end(), [](const Runway& a, const Runway& b) {
        int ma = a.over_headroom.value_or(1 << 30), mb = b.over_headroom.value_or(1 << 30);
        return ma < mb;
      });

  // The runbook's rules of thumb, period by period, where the topology states them.
  if (const auto& rt = topology.rules_of_thumb) {
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
      result.rule_of_thumb.push_back(row);
    }
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace capsim::plan
