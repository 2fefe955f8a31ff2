// Processor sharing, validated through the app kind: one replica with one vCPU and far more workers
// than cores, so every admitted request runs at once and SimGrid shares the core among them. For
// M/G/1-PS the mean response time is E[S] / (1 - rho) whatever the service distribution
// (insensitivity, Kleinrock vol. 2 §4.4), so a lognormal with cv 2 must give the same mean as an
// exponential. Tolerance: 3 x the 95% CI half-width across replications, as in
// test_engine_validation.cpp.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "config/topology.hpp"
#include "core/queueing.hpp"
#include "models/app/params.hpp"
#include "runs/replications.hpp"
#include "sim/summary.hpp"

namespace core = capsim::core;
namespace config = capsim::config;
namespace sim = capsim::sim;

namespace {

sim::RunSummary run_ps(core::Distribution demand, double rps) {
  config::Topology t;
  t.name = "ps";
  config::Component app;
  app.name = "app";
  app.kind = "app";
  app.vcpus = 1;
  capsim::models::AppParams spec;
  spec.replicas = 1;
  spec.workers = 100000;  // never the bottleneck: the core is
  spec.backlog = 1000000;
  spec.timeout = 0;  // no request timeout
  app.params = std::make_shared<capsim::models::AppParams>(spec);
  t.components = {app};
  config::RequestClass r;
  r.name = "r";
  r.share = 1;
  config::Call c;
  c.to = "app";
  c.demand = demand;
  r.calls = {c};
  t.requests = {r};
  sim::LoadSpec load;
  load.rps = rps;
  sim::RunSpec run;
  run.duration = 2000;
  run.warmup = 50;
  run.timeseries = false;
  capsim::runs::ReplicationPlan plan;
  plan.replications = 8;
  return capsim::runs::run_replications(t, load, run, plan);
}

void check_ps(const char* label, core::Distribution demand) {
  const double mean_service = 0.010, rps = 70;  // rho = 0.7
  sim::RunSummary s = run_ps(demand, rps);
  double exact = capsim::core::mg1_ps_mean_response(rps, mean_service);
  const auto& mean = s.classes.at(0).mean;
  double util = s.components.at(0).utilisation.mean;
  std::printf(
      "%s: mean response %.5f s vs exact %.5f s (error %+.2f%%, CI ±%.2f%%); utilisation %.4f vs "
      "%.4f\n",
      label, mean.mean, exact, 100 * (mean.mean - exact) / exact, 100 * mean.half_width / exact,
      util, rps * mean_service);
  CHECK(std::fabs(mean.mean - exact) <= 3 * mean.half_width);
  const auto& u = s.components.at(0).utilisation;
  CHECK(std::fabs(u.mean - rps * mean_service) <= 3 * u.half_width + 1e-9);
}

}  // namespace

TEST_CASE("M/M/1-PS: the app kind shares its core", "[validation][ps]") {
  check_ps("M/M/1-PS", core::Distribution::exponential(0.010));
}

TEST_CASE("M/G/1-PS: the mean does not depend on the service distribution", "[validation][ps]") {
  core::Distribution d;
  d.kind = core::DistKind::LogNormal;
  d.mean = 0.010;
  d.cv = 2;
  check_ps("M/G/1-PS lognormal cv 2", d);
}
