// The planner's stages (plan/stages.hpp) on their own, each against values worked out by hand:
// the analytic search, the confirming simulation's growth rule (with an executor that reports
// chosen figures, so no engine runs), the period's costs and changes, the capacity runway and the
// runbook's rules of thumb.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "config/load.hpp"
#include "models/registry.hpp"
#include "plan/stages.hpp"

namespace config = capsim::config;
namespace plan = capsim::plan;
namespace sim = capsim::sim;
using Json = nlohmann::json;

namespace {

config::Topology topology(const std::string& text) {
  config::ReadContext ctx{"t.json", {}};
  config::Topology t = config::read_topology(Json::parse(text), capsim::models::syntax(), ctx);
  REQUIRE(ctx.diagnostics.ok());
  return t;
}

config::Traffic traffic(const std::string& text) {
  config::ReadContext ctx{"traffic.json", {}};
  config::Traffic t = config::read_traffic(Json::parse(text), ctx);
  REQUIRE(ctx.diagnostics.ok());
  return t;
}

config::Catalog catalog() {
  config::ReadContext ctx{"catalog.json", {}};
  config::Catalog c = config::read_catalog(Json::parse(R"({"provider": "test", "region": "r",
      "currency": "USD", "date": "2026-01-01", "source": "test",
      "instances": {"small": {"family": "general", "vcpus": 1, "memory": "2GiB", "hourly": 0.1},
                    "big": {"family": "general", "vcpus": 4, "memory": "8GiB", "hourly": 0.3}}})"),
                                           ctx);
  REQUIRE(ctx.diagnostics.ok());
  return c;
}

// One station of `servers` servers of 10 ms each ("small" machines), any count from 1 to 40.
const char* kStation = R"({"name": "s", "components": {
    "front": {"kind": "station", "instance": "small", "servers": 2,
              "service": {"dist": "exp", "mean": "10ms"}, "plan": {"min": 1, "max": 40}}},
  "requests": {"q": {"share": 1, "calls": [{"to": "front"}]}}})";

plan::Setup written(const config::Topology& t) {
  plan::Setup s;
  for (const auto& c : t.components) s.push_back(plan::current_choice(c));
  return s;
}

// A replication's result reporting `utilisation` for every component and 1 ms latencies.
sim::ReplicationResult result_with(const config::Topology& t, double utilisation, int replication) {
  sim::ReplicationResult r;
  r.replication = replication;
  r.duration = 60;
  sim::ClassResult c;
  c.name = t.requests[0].name;
  c.completed = 6000;
  for (int i = 0; i < 100; ++i) c.latency.add(0.001);
  r.classes.push_back(c);
  for (const auto& comp : t.components) {
    sim::ComponentResult cr;
    cr.name = comp.name;
    cr.kind = comp.kind;
    cr.report.utilisation = utilisation;
    r.components.push_back(cr);
  }
  return r;
}

}  // namespace

TEST_CASE("search: the fewest servers that meet the headroom and survive a loss",
          "[plan][stages]") {
  auto t = topology(kStation);
  auto c = catalog();
  // 300 rps x 10 ms = 3 busy servers: the headroom (70%) needs 5 (3/5 = 60%), surviving one loss
  // needs 3/(n-1) < 90%, so n >= 5 (3/4 = 75%). The cheapest setup is 5 servers.
  plan::Search found = plan::search(t, plan::knobs(t), std::nullopt, written(t), 300, 0.7, c);
  REQUIRE(found.feasible);
  CHECK(found.cheapest[0].count == 5);
  // Without N+1 the headroom alone asks for ceil(3 / 0.7) = 5 too: no premium.
  CHECK(found.n_plus_1_premium == Approx(0));
  // 500 rps: 5 busy, headroom needs 8 (62.5%); a loss leaves 7 (71%): 8 servers, 0.8 $/h.
  found = plan::search(t, plan::knobs(t), std::nullopt, written(t), 500, 0.7, c);
  CHECK(found.cheapest[0].count == 8);
  // A floor from the previous period: the plan never shrinks a tier.
  plan::Setup previous = {plan::Choice{10, "small", ""}};
  found = plan::search(t, plan::knobs(t), previous, written(t), 300, 0.7, c);
  CHECK(found.cheapest[0].count == 10);
  // Beyond the range: infeasible, and why.
  found = plan::search(t, plan::knobs(t), std::nullopt, written(t), 4000, 0.7, c);
  CHECK_FALSE(found.feasible);
  CHECK(found.why_not.find("front: nothing in its range meets the headroom") == 0);
}

TEST_CASE("confirm: a tier over its headroom in the simulation grows by the Utilisation Law",
          "[plan][stages]") {
  auto t = topology(kStation);
  auto c = catalog();
  config::ReadContext ctx{"slo.json", {}};
  config::Slo slo = config::read_slo(
      Json::parse(R"({"name": "t", "latency": {"p95": "1s"}, "headroom": 0.7})"), ctx);
  REQUIRE(ctx.diagnostics.ok());
  // The first simulation reports 91% on 5 servers; the next ones 60%.
  int runs = 0;
  plan::PlanOptions options;
  options.replications = 2;
  options.execute = [&](const std::vector<sim::BatchRun>&,
                        const std::vector<sim::BatchTask>& tasks) {
    std::vector<sim::ReplicationResult> out;
    for (const auto& task : tasks)
      out.push_back(result_with(t, runs == 0 ? 0.91 : 0.6, task.replication));
    ++runs;
    return out;
  };
  plan::Setup setup = {plan::Choice{5, "small", ""}};
  plan::Confirmation confirmed = plan::confirm(t, setup, std::nullopt, plan::knobs(t),
                                               sim::LoadSpec{}, sim::RunSpec{}, slo, c, options, 0);
  CHECK(confirmed.slo_ok);
  CHECK(confirmed.simulations == 2);
  // ceil(5 x 0.91 / 0.7) = ceil(6.5) = 7 servers.
  CHECK(confirmed.setup[0].count == 7);
}

TEST_CASE("costs: the period's monthly cost, its delta and the change list", "[plan][stages]") {
  auto t = topology(kStation);
  auto c = catalog();
  config::ReadContext ctx{"slo.json", {}};
  config::Slo slo = config::read_slo(Json::parse(R"({"name": "t", "headroom": 0.7})"), ctx);
  plan::PeriodPlan period;
  period.peak_rps = 300;
  period.setup = {plan::Choice{5, "small", ""}};
  plan::cost_period(period, t, sim::RunSummary{}, written(t), 146, c, slo);
  // 5 machines x 0.1 $/h x 730 h = 365 $ a month, 219 more than the 146 before.
  CHECK(period.monthly == Approx(365));
  CHECK(period.delta == Approx(219));
  REQUIRE(period.changes.size() == 1);
  CHECK(period.changes[0] == "front: servers 2 -> 5");
  // Without a simulation the utilisation is the analytic model's: 3 busy of 5.
  CHECK(period.tiers[0].utilisation == Approx(0.6));
  CHECK(period.binding == "front servers at 60% (headroom 70%)");
}

TEST_CASE("runway: when the topology as written passes the headroom and saturates",
          "[plan][stages]") {
  auto t = topology(kStation);
  // 100 rps doubling every month: 1, 2, 4, 8 busy servers of 2: over 70% from the second month
  // (100%, saturated too: U >= 1 counts as saturated).
  auto tr = traffic(R"({"name": "t", "start": "2027-01", "months": 3, "base": {"rps": 100},
      "growth": {"type": "compound", "monthly_factor": 2}, "daily": {"peak_to_mean": 1.0}})");
  auto runway = plan::capacity_runway(t, tr, 0.7);
  REQUIRE(runway.size() == 1);
  CHECK(runway[0].component == "front");
  CHECK(runway[0].resource == "servers");
  REQUIRE(runway[0].over_headroom);
  CHECK(*runway[0].over_headroom == tr.start_month + 1);
  REQUIRE(runway[0].saturated);
  CHECK(*runway[0].saturated == tr.start_month + 1);
}

TEST_CASE("rules of thumb: the runbook's projection month by month", "[plan][stages]") {
  auto t = topology(R"({"name": "s", "rules_of_thumb": {"app": "front"}, "components": {
      "front": {"kind": "station", "servers": 2, "service": "10ms"}},
    "requests": {"q": {"share": 1, "calls": [{"to": "front"}]}}})");
  auto tr = traffic(R"({"name": "t", "start": "2027-01", "months": 1, "base": {"rps": 120},
      "growth": {"type": "compound", "monthly_factor": 1.5}, "daily": {"peak_to_mean": 2.0}})");
  auto rows = plan::rules_of_thumb(t, tr);
  REQUIRE(rows.size() == 2);
  // 120 mean rps: ceil(120 / 50) = 3 instances; 2400 users (20 per rps): 240 connections (100 per
  // 1000 users) > 150, so read replicas; ceil(2400 / 10000 x 1 GB) = 1 GB.
  CHECK(rows[0].app_instances == 3);
  CHECK(rows[0].users == Approx(2400));
  CHECK(rows[0].db_connections == 240);
  CHECK(rows[0].database == "primary + 2 read replicas + PgBouncer");
  CHECK(rows[0].redis == "single instance (1 GB)");
  // 180 mean rps: 4 instances.
  CHECK(rows[1].app_instances == 4);
  // No rules in the topology: no rows.
  CHECK(plan::rules_of_thumb(topology(kStation), tr).empty());
}
