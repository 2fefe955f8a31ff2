#include "output/plan_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/units.hpp"
#include "plan/analytic.hpp"

namespace capsim::output {
namespace {

using Json = nlohmann::json;
using core::format_month;

std::string money(double v) {
  return fmt::format("{:.0f}", v);
}

std::string signed_money(double v) {
  if (std::fabs(v) < 0.5) return "0";
  return fmt::format("{:+.0f}", v);
}

double worst(const std::map<std::string, double>& by_class) {
  double w = 0;
  for (const auto& [name, v] : by_class) w = std::max(w, v);
  return w;
}

std::string ms(double seconds) {
  return seconds > 0 ? fmt::format("{:.0f} ms", seconds * 1000) : std::string("-");
}

std::string month_or_never(const std::optional<int>& m) {
  return m ? core::format_month(*m) : std::string("not within the horizon");
}

std::optional<std::string> month_if(const std::optional<int>& m) {
  return m ? std::optional<std::string>(core::format_month(*m)) : std::nullopt;
}

PlanFile::Period period_of(const plan::PeriodPlan& period, const PlanInfo& info) {
  PlanFile::Period f;
  f.period = core::format_month(period.month);
  f.peak_rps = period.peak_rps;
  f.recommended = period.recommended;
  f.why_not = period.why_not;
  for (const auto& t : period.tiers) {
    f.setup[t.component] = t.setup;
    f.tiers.push_back({t.component, t.setup, t.choice.count, t.choice.instance, t.choice.mode,
                       t.monthly, t.utilisation, t.predicted});
  }
  f.p95_s = worst(period.p95);
  f.p99_s = worst(period.p99);
  f.p95_by_class_s = period.p95;
  f.p99_by_class_s = period.p99;
  f.error_rate = period.error_rate;
  f.binding = period.binding;
  f.monthly_usd = period.monthly;
  f.delta_usd = period.delta;
  f.n_plus_1_premium_usd = period.n_plus_1_premium;
  f.changes = period.changes;
  for (const auto& d : period.drills)
    f.drills.push_back({d.target, d.pass, d.recovery, d.error_rate, d.note});
  if (period.runner_up) {
    PlanFile::RunnerUp r{{}, period.runner_up_monthly, period.runner_up_confirmed};
    const auto& components = info.topology->components;
    for (std::size_t i = 0; i < period.runner_up->size(); ++i)
      r.setup[components[i].name] = plan::describe(components[i], (*period.runner_up)[i]);
    f.runner_up = std::move(r);
  }
  f.candidates_evaluated = period.candidates;
  f.simulations = period.simulations;
  return f;
}

// Pads to a width (the tables are for a terminal).
std::string pad(const std::string& s, std::size_t w) {
  return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

}  // namespace

PlanFile plan_file(const plan::PlanResult& p, const PlanInfo& info) {
  const auto& cat = *info.catalog;
  PlanFile f;
  f.capsim = CAPSIM_VERSION;
  f.topology = {info.topology->name, info.topology_file};
  f.traffic = info.traffic_file;
  f.slo = info.slo_file;
  f.headroom = info.headroom;
  f.catalog = {info.catalog_file, cat.provider, cat.region,
               cat.currency,      cat.date,     config::Catalog::hours_per_month};
  f.wall_seconds = p.wall_seconds;
  f.simulations = p.simulations;
  for (const auto& period : p.periods) f.periods.push_back(period_of(period, info));
  for (const auto& r : p.runway)
    f.runway.push_back({r.component, r.resource, month_if(r.over_headroom), month_if(r.saturated)});
  for (const auto& r : p.rule_of_thumb)
    f.rule_of_thumb.rows.push_back({core::format_month(r.month), r.rps, r.users, r.app_instances,
                                    r.db_connections, r.redis_gb, r.database, r.redis});
  f.rule_of_thumb.comparison = rule_of_thumb_comparison(p, info);
  return f;
}

Json plan_json(const plan::PlanResult& p, const PlanInfo& info) {
  return plan_file(p, info);
}

std::vector<std::string> rule_of_thumb_comparison(const plan::PlanResult& p, const PlanInfo& info) {
  std::vector<std::string> out;
  const auto& rt = info.topology->rules_of_thumb;
  if (!rt || p.rule_of_thumb.empty() || p.periods.empty()) return out;
  int app = info.topology->index_of(rt->app);
  if (app < 0) return out;
  // Where the rule and the plan part: first the app instances, period by period.
  int agree = 0, fewer = 0, more = 0;
  for (std::size_t k = 0; k < p.periods.size() && k < p.rule_of_thumb.size(); ++k) {
    int planned = p.periods[k].tiers[app].choice.count;
    int rule = p.rule_of_thumb[k].app_instances;
    (planned == rule ? agree : planned < rule ? fewer : more)++;
  }
  const auto& last = p.periods.back();
  const auto& last_rule = p.rule_of_thumb.back();
  // What one planned replica handles at the headroom, from the simulated utilisation.
  const auto& tier = last.tiers[app];
  double per_replica = tier.utilisation > 0
                           ? last.peak_rps / tier.choice.count * info.headroom / tier.utilisation
                           : 0;
  out.push_back(fmt::format(
      "App instances: the rule (one per {:.0f} RPS of mean load) and the plan agree in {} of {} "
      "periods; the plan needs fewer in {} and more in {}. In {} the rule says {} for {:.0f} "
      "mean RPS; the plan sizes for the peak ({:.0f} RPS, {:.1f}x the mean) and gives {} ({}), "
      "each replica holding about {:.0f} RPS at the {:.0f}% headroom in the simulation.",
      rt->rps_per_app_instance, agree, p.periods.size(), fewer, more, core::format_month(last.month),
      last_rule.app_instances, last_rule.rps, last.peak_rps, last.peak_rps / last_rule.rps,
      tier.choice.count, tier.setup, per_replica, 100 * info.headroom));
  // The database: the rule adds read replicas on connection counts, the plan on CPU.
  for (std::size_t i = 0; i < info.topology->components.size(); ++i) {
    const auto& c = info.topology->components[i];
    if (c.kind == "postgres") {
      out.push_back(fmt::format(
          "Database: the rule counts connections ({} for {:.0f} users in {}: \"{}\"); capsim "
          "pools them (PgBouncer) and sizes on CPU and the loss of the primary: {}.",
          last_rule.db_connections, last_rule.users, core::format_month(last.month), last_rule.database,
          last.tiers[i].setup));
    }
    if (c.kind == "redis") {
      out.push_back(fmt::format(
          "Redis: the rule sizes memory ({:.0f} GB for {:.0f} users: \"{}\"); capsim sizes the "
          "single command thread (one core per master) and a replica to fail over to: {} at "
          "{:.0f}% of its thread.",
          last_rule.redis_gb, last_rule.users, last_rule.redis, last.tiers[i].setup,
          100 * last.tiers[i].utilisation));
    }
  }
  return out;
}

std::string plan_table(const plan::PlanResult& p, const PlanInfo& info) {
  const auto& t = *info.topology;
  std::string out = fmt::format(
      "Plan: {} ({})\nTraffic: {}; catalog: {} {} on-demand prices of {} ({}, {:.0f} h/month); "
      "SLO: {} (headroom {:.0f}%)\n\n",
      t.name, info.topology_file, info.traffic_file, info.catalog->provider, info.catalog->region,
      info.catalog->date, info.catalog->currency, config::Catalog::hours_per_month, info.slo_file,
      100 * info.headroom);
  std::vector<std::size_t> width;
  for (const auto& c : t.components) width.push_back(std::max<std::size_t>(c.name.size(), 10));
  for (const auto& period : p.periods)
    for (std::size_t i = 0; i < period.tiers.size(); ++i)
      width[i] = std::max(width[i], period.tiers[i].setup.size());

  out +=
      "Recommended setups (each confirmed by simulation at the period's peak; N+1 by a loss "
      "drill per tier)\n";
  std::string head = pad("period", 9) + pad("peak rps", 9);
  for (std::size_t i = 0; i < t.components.size(); ++i)
    head += pad(t.components[i].name, width[i] + 1);
  out += head + pad("p95", 8) + "binding constraint\n";
  for (const auto& period : p.periods) {
    std::string row =
        pad(core::format_month(period.month), 9) + pad(fmt::format("{:.0f}", period.peak_rps), 9);
    for (std::size_t i = 0; i < period.tiers.size(); ++i)
      row += pad(period.tiers[i].setup, width[i] + 1);
    row += pad(ms(worst(period.p95)), 8) + period.binding;
    out += row + "\n";
    if (!period.recommended) out += "         NOT RECOMMENDED: " + period.why_not + "\n";
  }

  out += fmt::format("\nMonthly cost ({}, instances x hourly price x {:.0f} h)\n",
                     info.catalog->currency, config::Catalog::hours_per_month);
  head = pad("period", 9);
  for (const auto& c : t.components)
    head += pad(c.name, std::max<std::size_t>(c.name.size(), 8) + 1);
  out += head + pad("total", 8) + pad("delta", 8) + "N+1 premium\n";
  for (const auto& period : p.periods) {
    std::string row = pad(core::format_month(period.month), 9);
    for (std::size_t i = 0; i < period.tiers.size(); ++i)
      row += pad(money(period.tiers[i].monthly),
                 std::max<std::size_t>(t.components[i].name.size(), 8) + 1);
    row += pad(money(period.monthly), 8) + pad(signed_money(period.delta), 8) +
           money(period.n_plus_1_premium);
    out += row + "\n";
  }

  out += "\nChanges\n";
  bool any = false;
  for (const auto& period : p.periods)
    for (const auto& c : period.changes) {
      out += "  " + core::format_month(period.month) + ": " + c + "\n";
      any = true;
    }
  if (!any) out += "  none: the first period's setup holds to the end\n";

  out += "\nN+1 (loss drills at each period's peak)\n";
  for (const auto& period : p.periods) {
    std::string line = "  " + core::format_month(period.month) + ":";
    for (const auto& d : period.drills)
      line += fmt::format(" {} {}{};", d.target, d.pass ? "ok" : "FAILS",
                          d.recovery ? fmt::format(" ({:.0f} s)", *d.recovery) : "");
    out += line + "\n";
  }

  out += "\nCapacity runway (the topology as written, if nothing changes)\n";
  for (const auto& r : p.runway) {
    if (!r.over_headroom) continue;
    out += fmt::format("  {} ({}): over the {:.0f}% headroom from {}, saturated from {}\n",
                       r.component, r.resource, 100 * info.headroom, core::format_month(*r.over_headroom),
                       month_or_never(r.saturated));
  }
  if (p.runway.empty() || !p.runway.front().over_headroom)
    out += "  every tier stays under the headroom over the whole horizon\n";

  if (!p.rule_of_thumb.empty()) {
    const auto& rt = *t.rules_of_thumb;
    int app = t.index_of(rt.app);
    out += "\nThe runbook's rules of thumb beside the plan\n";
    out += pad("period", 9) + pad("mean rps", 9) + pad("users", 8) + pad("app (rule)", 11) +
           pad("app (plan)", 11) + pad("db conns", 9) + pad("database (rule)", 40) +
           "redis (rule)\n";
    for (std::size_t k = 0; k < p.rule_of_thumb.size(); ++k) {
      const auto& r = p.rule_of_thumb[k];
      out += pad(core::format_month(r.month), 9) + pad(fmt::format("{:.0f}", r.rps), 9) +
             pad(fmt::format("{:.0f}", r.users), 8) + pad(std::to_string(r.app_instances), 11) +
             pad(app >= 0 && k < p.periods.size()
                     ? std::to_string(p.periods[k].tiers[app].choice.count)
                     : "-",
                 11) +
             pad(std::to_string(r.db_connections), 9) + pad(r.database, 40) + r.redis + "\n";
    }
    for (const auto& s : rule_of_thumb_comparison(p, info)) out += "  " + s + "\n";
  }
  out += fmt::format("\n{} simulations in {:.1f} s\n", p.simulations, p.wall_seconds);
  return out;
}

std::string plan_markdown(const plan::PlanResult& p, const PlanInfo& info) {
  const auto& t = *info.topology;
  std::string out = fmt::format(
      "# Capacity plan: {}\n\nTraffic `{}`, catalog {} {} ({}), SLO `{}` "
      "(headroom {:.0f}%).\n\n## Recommended setups\n\n",
      t.name, info.traffic_file, info.catalog->provider, info.catalog->region, info.catalog->date,
      info.slo_file, 100 * info.headroom);
  out += "| period | peak rps |";
  for (const auto& c : t.components) out += " " + c.name + " |";
  out += " p95 | binding |\n|---|---:|";
  for (std::size_t i = 0; i < t.components.size(); ++i) out += "---|";
  out += "---:|---|\n";
  for (const auto& period : p.periods) {
    out += fmt::format("| {}{} | {:.0f} |", core::format_month(period.month),
                       period.recommended ? "" : " (not recommended)", period.peak_rps);
    for (const auto& tier : period.tiers) out += " " + tier.setup + " |";
    out += fmt::format(" {} | {} |\n", ms(worst(period.p95)), period.binding);
  }
  out += fmt::format("\n## Monthly cost ({})\n\n| period |", info.catalog->currency);
  for (const auto& c : t.components) out += " " + c.name + " |";
  out += " total | delta | N+1 premium |\n|---|";
  for (std::size_t i = 0; i < t.components.size() + 3; ++i) out += "---:|";
  out += "\n";
  for (const auto& period : p.periods) {
    out += "| " + core::format_month(period.month) + " |";
    for (const auto& tier : period.tiers) out += " " + money(tier.monthly) + " |";
    out += fmt::format(" {} | {} | {} |\n", money(period.monthly), signed_money(period.delta),
                       money(period.n_plus_1_premium));
  }
  out += "\n## Changes\n\n";
  for (const auto& period : p.periods)
    for (const auto& c : period.changes) out += "- " + core::format_month(period.month) + ": " + c + "\n";
  out += "\n## Capacity runway\n\n";
  for (const auto& r : p.runway)
    if (r.over_headroom)
      out += fmt::format("- {} ({}): over the headroom from {}, saturated from {}\n", r.component,
                         r.resource, core::format_month(*r.over_headroom), month_or_never(r.saturated));
  auto comparison = rule_of_thumb_comparison(p, info);
  if (!comparison.empty()) {
    out += "\n## The runbook's rules of thumb\n\n";
    for (const auto& s : comparison) out += "- " + s + "\n";
  }
  return out;
}

std::vector<CostRow> cost_rows(const plan::PlanResult& p, const PlanInfo& info) {
  std::vector<CostRow> rows;
  for (const auto& period : p.periods)
    for (const auto& tier : period.tiers) {
      const auto& c = *info.topology->find(tier.component);
      const auto* type =
          tier.choice.instance.empty() ? nullptr : info.catalog->find(tier.choice.instance);
      rows.push_back({core::format_month(period.month), tier.component, tier.setup,
                      plan::billed_machines(c, tier.choice), type ? type->hourly : 0.0,
                      tier.monthly});
    }
  return rows;
}

std::string costs_csv(const plan::PlanResult& p, const PlanInfo& info) {
  return to_csv(cost_rows(p, info));
}

}  // namespace capsim::output

namespace capsim::output {

namespace {

std::string failed_drills(const plan::CompareEntry& e) {
  std::string out;
  for (const auto& d : e.drills)
    if (!d.pass) out += (out.empty() ? "" : ", ") + d.target;
  return out;
}

}  // namespace

std::string compare_verdict(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info) {
  std::vector<std::string> bad;
  for (const auto& p : c)
    if (!p.entries.empty() && !p.entries[0].holds()) bad.push_back(core::format_month(p.month));
  if (bad.empty())
    return fmt::format(
        "{} (the proposal) holds the SLO and survives every single failure at "
        "every period compared",
        info.names[0]);
  std::string months;
  for (const auto& m : bad) months += (months.empty() ? "" : ", ") + m;
  // Which alternatives hold where the proposal does not.
  std::string others;
  for (std::size_t k = 1; k < info.names.size(); ++k) {
    bool all = true;
    for (const auto& p : c) all = all && p.entries[k].holds();
    if (all) others += (others.empty() ? "" : ", ") + info.names[k];
  }
  return fmt::format("{} (the proposal) does not hold at {}{}", info.names[0], months,
                     others.empty() ? "; no alternative holds everywhere either"
                                    : "; " + others + " holds at every period");
}

std::string compare_table(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info) {
  std::string out = fmt::format(
      "Compare at each period's peak (traffic {}; SLO {}, headroom {:.0f}%; N+1 by a loss drill "
      "per tier)\n\n",
      info.traffic_file, info.slo_file, 100 * info.headroom);
  std::size_t w = 10;
  for (const auto& n : info.names) w = std::max(w, n.size() + 1);
  out += pad("period", 9) + pad("rps", 7) + pad("topology", w) + pad("SLO", 6) + pad("p95", 9) +
         pad("p99", 9) + pad("busiest", 16) + pad(info.currency + "/month", 11) +
         "single failures\n";
  for (const auto& p : c) {
    for (std::size_t k = 0; k < p.entries.size(); ++k) {
      const auto& e = p.entries[k];
      std::string failures = e.drills.empty() ? "not drilled"
                             : e.survives     ? "survives all " + std::to_string(e.drills.size())
                                              : "does not survive losing " + failed_drills(e);
      out += pad(k == 0 ? core::format_month(p.month) : "", 9) +
             pad(k == 0 ? fmt::format("{:.0f}", p.peak_rps) : "", 7) + pad(info.names[k], w) +
             pad(e.slo_pass ? "holds" : "FAILS", 6) + pad(ms(worst(e.p95)), 9) +
             pad(ms(worst(e.p99)), 9) + pad(e.busiest, 16) + pad(money(e.monthly), 11) + failures +
             "\n";
      if (!e.slo_pass) {
        std::string b;
        for (const auto& s : e.breaches) b += (b.empty() ? "" : ", ") + s;
        out += std::string(9 + 7 + w, ' ') + "breaches: " + b + "\n";
      }
    }
  }
  out += "\nVerdict: " + compare_verdict(c, info) + "\n";
  return out;
}

nlohmann::json compare_json(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info) {
  Json j = {{"schema", "capsim/compare"},   {"version", 1},
            {"traffic", info.traffic_file}, {"slo", info.slo_file},
            {"headroom", info.headroom},    {"topologies", Json::array()},
            {"periods", Json::array()}};
  for (std::size_t k = 0; k < info.files.size(); ++k)
    j["topologies"].push_back({{"name", info.names[k]}, {"file", info.files[k]}});
  bool proposal_holds = true;
  for (const auto& p : c) {
    Json pj = {{"period", core::format_month(p.month)}, {"peak_rps", p.peak_rps}};
    pj["entries"] = Json::array();
    for (std::size_t k = 0; k < p.entries.size(); ++k) {
      const auto& e = p.entries[k];
      if (k == 0) proposal_holds = proposal_holds && e.holds();
      Json drills = Json::array();
      for (const auto& d : e.drills)
        drills.push_back({{"target", d.target},
                          {"pass", d.pass},
                          {"recovery_s", d.recovery ? Json(*d.recovery) : Json()},
                          {"note", d.note}});
      pj["entries"].push_back({{"topology", info.names[k]},
                               {"holds", e.holds()},
                               {"slo_pass", e.slo_pass},
                               {"breaches", e.breaches},
                               {"p95_s", e.p95},
                               {"p99_s", e.p99},
                               {"error_rate", e.error_rate},
                               {"busiest", e.busiest},
                               {"monthly_usd", e.monthly},
                               {"survives_single_failures", e.survives},
                               {"drills", drills}});
    }
    j["periods"].push_back(pj);
  }
  j["proposal_holds"] = proposal_holds;
  j["verdict"] = compare_verdict(c, info);
  return j;
}

}  // namespace capsim::output
