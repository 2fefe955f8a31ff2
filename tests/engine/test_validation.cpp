// Validation of the simulation engine against queueing theory. Every expected value is computed
// here, at run time, from a closed form (analysis/queueing.hpp, or the formula written out where it
// is a one-liner); no number is copied from a previous run.
//
// How a case passes. Each case runs R independent replications through run_replications (one forked
// process per replication: SimGrid allows one engine per process, so this test process never builds
// one). A figure's Estimate carries the 95% Student-t half-width hw of the mean across
// replications. The check is
//     |simulated - exact| <= max(3 * hw, allowance)
// where the allowance is zero for means, rates and utilisations (they are computed from exact sums
// and time integrals, so the only error left is sampling noise, which the CI measures) and, for
// quantiles, the latency histogram's bucket precision: buckets are 0.1% wide (Histogram(0.001)), so
// an interpolated quantile can sit up to 0.1% of its value off the exact order statistic.
// Tolerances are therefore set by each run's own CI, never tuned to pass. Why 3 x hw: the suite
// makes about 60 such checks; with 10 replications (t, 9 degrees of freedom) one check passes 3 x
// hw by chance with probability ~1e-4, so the whole suite with probability ~0.5% (Bonferroni),
// while a bias of a few percent of the value is still caught. Run lengths are chosen so that the
// half-widths come out at about 1-2% of the value (less for utilisations).
//
// Warm-up. Each run starts empty and discards a warm-up of 500 exact mean response times (the usual
// rule of thumb is at least 20x). 500 W is far beyond the relaxation time of every model here: the
// slowest is M/M/1 at rho = 0.9, whose relaxation time 1 / (mu (1 - sqrt(rho))^2) is about 38 W.
// The run also ends with requests still in flight; they are not counted (a few per replication out
// of hundreds of thousands), which is far below the CI.
//
// Processor sharing (M/G/1-PS, qa::mg1_ps_mean_response) is NOT validated here: a station's servers
// are dedicated (a station never runs more jobs than it has servers, so SimGrid's processor-sharing
// CPU model never applies). PS will be validated with an app-kind test, whose workers share the
// host's cores.
//
// Each case prints, for every figure: simulated value, exact value, relative error, relative
// half-width and the tolerance used, so CI logs show how close the engine is.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "config/topology.hpp"
#include "core/queueing.hpp"
#include "models/station/params.hpp"
#include "runs/replications.hpp"
#include "sim/simulation.hpp"
#include "sim/summary.hpp"

namespace core = capsim::core;
namespace qa = capsim::core;
namespace config = capsim::config;
namespace sim = capsim::sim;
using Catch::Detail::Approx;

namespace {

constexpr int kReplications = 10;
constexpr double kWarmupResponseTimes = 500;  // warm-up, in exact mean response times
constexpr double kQuantileAllowance = 0.001;  // histogram bucket width, relative to the value

// ---- building topologies in code ------------------------------------------------------------

config::Component station(const std::string& name, int servers, core::Distribution service,
                          std::optional<long long> queue_limit = std::nullopt) {
  config::Component c;
  c.name = name;
  c.kind = "station";
  capsim::models::StationParams s;
  s.servers = servers;
  s.service = std::move(service);
  s.queue_limit = queue_limit;
  c.params = std::make_shared<capsim::models::StationParams>(s);
  return c;
}

config::Call call(const std::string& to) {
  config::Call c;
  c.to = to;
  return c;
}

// One request class that calls the given stations in sequence.
config::Topology chain(const std::string& name, std::vector<config::Component> components) {
  config::Topology t;
  t.name = name;
  config::RequestClass r;
  r.name = "request";
  r.share = 1;
  for (const auto& c : components) r.calls.push_back(call(c.name));
  t.components = std::move(components);
  t.requests = {r};
  return t;
}

core::Distribution lognormal(double mean, double cv) {
  core::Distribution d;
  d.kind = core::DistKind::LogNormal;
  d.mean = mean;
  d.cv = cv;
  return d;
}

core::Distribution uniform(double lo, double hi) {
  core::Distribution d;
  d.kind = core::DistKind::Uniform;
  d.min = lo;
  d.max = hi;
  d.mean = (lo + hi) / 2;
  return d;
}

// ---- running and checking -------------------------------------------------------------------

// Runs kReplications replications of `customers` measured arrivals each (duration = customers /
// rps) after a warm-up of kWarmupResponseTimes x `mean_response` (the exact one).
sim::RunSummary simulate(const std::string& label, const config::Topology& topology, double rps,
                         double customers, double mean_response, std::uint64_t seed) {
  sim::LoadSpec load;
  load.rps = rps;  // Poisson by default
  sim::RunSpec run;
  run.duration = customers / rps;
  run.warmup = kWarmupResponseTimes * mean_response;
  run.seed = seed;
  run.timeseries = false;
  run.sample_interval = run.duration;
  capsim::runs::ReplicationPlan plan;
  plan.replications = kReplications;
  plan.processes = 0;  // every core
  auto start = std::chrono::steady_clock::now();
  sim::RunSummary s = capsim::runs::run_replications(topology, load, run, plan);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "\n== %s: %d replications x %.3g arrivals (%.0f s simulated + %.1f s warm-up each), "
      "%.2f s wall\n",
      label.c_str(), s.replications, customers, run.duration, run.warmup, wall);
  REQUIRE(s.replications == kReplications);
  REQUIRE(s.classes.size() == topology.requests.size());
  REQUIRE(s.components.size() == topology.components.size());
  CHECK(s.shed == 0);  // the in-flight cap never bit
  return s;
}

const sim::ComponentSummary& component(const sim::RunSummary& s, const std::string& name) {
  auto it = std::find_if(s.components.begin(), s.components.end(),
                         [&](const sim::ComponentSummary& c) { return c.name == name; });
  INFO("component " << name);
  REQUIRE(it != s.components.end());
  return *it;
}

// |simulated - exact| <= max(3 hw, allowance); prints the comparison either way.
void check_close(const std::string& what, const sim::Estimate& e, double exact,
                 double allowance = 0) {
  const double err = e.mean - exact;
  const double tol = std::max(3 * e.half_width, allowance);
  std::printf(
      "  %-34s sim %-12.6g exact %-12.6g err %+7.3f%%  hw %6.3f%%  tol %6.3f%%  "
      "|err|/hw %.2f\n",
      what.c_str(), e.mean, exact, 100 * err / exact, 100 * e.half_width / exact, 100 * tol / exact,
      std::abs(err) / e.half_width);
  INFO(what << ": simulated " << e.mean << " +- " << e.half_width << " (95% CI), exact " << exact
            << ", relative error " << err / exact << ", tolerance " << tol);
  REQUIRE(std::isfinite(exact));
  REQUIRE(std::isfinite(e.half_width));
  CHECK(std::abs(err) <= tol);
}

void check_quantile(const std::string& what, const sim::Estimate& e, double exact) {
  check_close(what, e, exact, kQuantileAllowance * exact);
}

// M/M/c: FCFS, Poisson arrivals at rate lambda, c servers with exponential service of mean 1/mu.
void check_mmc(const std::string& label, int c, double rho, double mean_service, double customers,
               std::uint64_t seed) {
  const double mu = 1 / mean_service;
  const double lambda = rho * c * mu;
  const qa::MMcMetrics m = qa::mmc_metrics(lambda, mu, c);  // W = C(c, a) / (c mu - lambda) + 1/mu
  auto s = simulate(label,
                    chain(label, {station("s", c, core::Distribution::exponential(mean_service))}),
                    lambda, customers, m.mean_response, seed);
  std::printf("  (Erlang C: P(wait) = %.4f)\n", m.prob_wait);
  const auto& cls = s.classes[0];
  const auto& st = component(s, "s");
  check_close("mean response W", cls.mean, m.mean_response);
  check_close("mean wait Wq", st.mean_wait, m.mean_wait);
  // The exact FCFS M/M/c sojourn-time distribution: with probability 1 - C the customer is served
  // at once (T ~ Exp(mu)); with probability C it first waits Exp(c mu - lambda). Its 0.95 quantile.
  check_quantile("p95 response", cls.p95, qa::mmc_response_quantile(lambda, mu, c, 0.95));
  check_close("utilisation rho", st.utilisation, rho);
}

// M/G/1 FCFS against Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)),
// E[S^2] = E[S]^2 (1 + SCV), W = Wq + E[S].
void check_mg1(const std::string& label, const core::Distribution& service, double scv, double rho,
               double customers, std::uint64_t seed) {
  const double es = service.mean;
  const double lambda = rho / es;
  const double wq = lambda * es * es * (1 + scv) / (2 * (1 - rho));
  REQUIRE(wq == Approx(qa::mg1_mean_wait(lambda, es, scv)).epsilon(1e-12));  // same formula twice
  auto s =
      simulate(label, chain(label, {station("s", 1, service)}), lambda, customers, wq + es, seed);
  std::printf("  (SCV of service = %.4f)\n", scv);
  check_close("mean response W (P-K)", s.classes[0].mean, wq + es);
  check_close("mean wait Wq (P-K)", component(s, "s").mean_wait, wq);
  check_close("utilisation rho", component(s, "s").utilisation, rho);
}

// M/M/1, written out: W = 1 / (mu - lambda), Wq = rho / (mu - lambda); the FCFS sojourn time is
// Exp(mu - lambda), so p95 = -ln(0.05) / (mu - lambda).
void check_mm1(double rho, double customers, std::uint64_t seed) {
  const double mean_service = 0.010;
  const double mu = 1 / mean_service;
  const double lambda = rho * mu;
  const double w = 1 / (mu - lambda);
  const double p95 = -std::log(0.05) / (mu - lambda);
  const double wq = rho / (mu - lambda);
  const std::string label = "M/M/1 rho " + std::to_string(rho).substr(0, 4);
  auto s = simulate(label,
                    chain(label, {station("s", 1, core::Distribution::exponential(mean_service))}),
                    lambda, customers, w, seed);
  check_close("mean response W", s.classes[0].mean, w);
  check_close("mean wait Wq", component(s, "s").mean_wait, wq);
  check_quantile("p95 response", s.classes[0].p95, p95);
  check_close("utilisation rho", component(s, "s").utilisation, rho);
}

}  // namespace

// ---- M/M/1 ---------------------------------------------------------------------------------

TEST_CASE("M/M/1 at rho 0.5", "[validation][mm1]") {
  check_mm1(0.5, 2e5, 101);
}
TEST_CASE("M/M/1 at rho 0.8", "[validation][mm1]") {
  check_mm1(0.8, 5e5, 102);
}
TEST_CASE("M/M/1 at rho 0.9", "[validation][mm1]") {
  check_mm1(0.9, 1.2e6, 103);
}

// ---- M/M/c (Erlang C) ------------------------------------------------------------------------

TEST_CASE("M/M/2 at rho 0.9", "[validation][mmc]") {
  check_mmc("M/M/2 rho 0.9", 2, 0.9, 0.010, 1e6, 201);
}
TEST_CASE("M/M/4 at rho 0.9", "[validation][mmc]") {
  check_mmc("M/M/4 rho 0.9", 4, 0.9, 0.010, 8e5, 202);
}
TEST_CASE("M/M/8 at rho 0.9", "[validation][mmc]") {
  check_mmc("M/M/8 rho 0.9", 8, 0.9, 0.010, 5e5, 203);
}
TEST_CASE("M/M/16 at rho 0.9", "[validation][mmc]") {
  check_mmc("M/M/16 rho 0.9", 16, 0.9, 0.010, 3e5, 204);
}
TEST_CASE("M/M/64 at rho 0.9", "[validation][mmc]") {
  check_mmc("M/M/64 rho 0.9", 64, 0.9, 0.010, 3e5, 205);
}

// ---- Erlang B: M/M/c/c, no waiting room ------------------------------------------------------

TEST_CASE("Erlang B loss station", "[validation][erlang]") {
  // c = 10 servers, a = lambda / mu = 8 Erlangs, queue_limit 0: an arrival finding every server
  // busy is lost, with probability B(c, a) (PASTA). Admitted customers never wait: W = 1/mu.
  // Servers are busy a (1 - B) on average, so the utilisation is a (1 - B) / c.
  const int c = 10;
  const double mean_service = 0.100, mu = 1 / mean_service;
  const double a = 8, lambda = a * mu;
  const double blocking = qa::erlang_b(c, a);
  auto s = simulate(
      "Erlang B c=10 a=8",
      chain("erlang-b", {station("s", c, core::Distribution::exponential(mean_service), 0)}),
      lambda, 3e5, mean_service, 301);
  const auto& cls = s.classes[0];
  const auto& st = component(s, "s");
  check_close("blocking (class error rate)", cls.error_rate, blocking);
  // The station's own count of rejections agrees with the failures the class saw.
  REQUIRE(st.extra.count("rejected"));
  double rejected = st.extra.at("rejected").mean * s.replications;
  std::printf("  rejected by the station %.0f, failed requests %llu (\"queue full\": %.0f)\n",
              rejected, static_cast<unsigned long long>(cls.failed),
              cls.errors.count("queue full") ? cls.errors.at("queue full") : 0.0);
  CHECK(std::abs(rejected - static_cast<double>(cls.failed)) <= s.replications);
  CHECK(cls.errors.count("queue full"));
  check_close("mean response of admitted = 1/mu", cls.mean, mean_service);
  check_close("utilisation a (1 - B) / c", st.utilisation, a * (1 - blocking) / c);
}

// ---- M/M/c/K: finite waiting room ------------------------------------------------------------

TEST_CASE("M/M/c/K finite queue", "[validation][mmck]") {
  // c = 4 servers and queue_limit 6 waiting places: K = 10 in the system. Offered load 0.95 per
  // server. Birth-death stationary law p_n ~ a^n / n! (n <= c), a^c / c! (a/c)^(n-c) (n > c);
  // blocking p_K (PASTA), admitted W = L / (lambda (1 - p_K)) (Little on the admitted stream).
  const int c = 4, queue_limit = 6, k = c + queue_limit;
  const double mean_service = 0.020, mu = 1 / mean_service;
  const double lambda = 0.95 * c * mu;
  const qa::MMcKMetrics m = qa::mmck_metrics(lambda, mu, c, k);
  auto s = simulate(
      "M/M/4/10 offered rho 0.95",
      chain("mmck", {station("s", c, core::Distribution::exponential(mean_service), queue_limit)}),
      lambda, 4e5, m.mean_response, 401);
  const auto& cls = s.classes[0];
  const auto& st = component(s, "s");
  check_close("blocking p_K (class error rate)", cls.error_rate, m.blocking);
  check_close("mean response of admitted", cls.mean, m.mean_response);
  check_close("mean wait of admitted", st.mean_wait, m.mean_wait);
  check_close("utilisation lambda(1-p_K)/(c mu)", st.utilisation, m.utilisation);
  check_close("mean queue Lq", st.mean_queue, m.mean_in_queue);
}

// ---- M/D/1 and M/G/1 (Pollaczek-Khinchine) ----------------------------------------------------

TEST_CASE("M/D/1 at rho 0.8", "[validation][mg1]") {
  // Deterministic service: SCV 0, so Wq = rho E[S] / (2 (1 - rho)).
  check_mg1("M/D/1 rho 0.8", core::Distribution::constant(0.010), 0.0, 0.8, 3e5, 501);
}

TEST_CASE("M/G/1 lognormal cv 2 at rho 0.7", "[validation][mg1]") {
  // Lognormal with mean m and coefficient of variation 2: SCV = cv^2 = 4.
  const double cv = 2;
  check_mg1("M/G/1 lognormal cv 2 rho 0.7", lognormal(0.010, cv), cv * cv, 0.7, 1.5e6, 502);
}

TEST_CASE("M/G/1 uniform at rho 0.8", "[validation][mg1]") {
  // Uniform on [lo, hi]: mean (lo + hi) / 2, variance (hi - lo)^2 / 12, SCV = variance / mean^2.
  const double lo = 0.002, hi = 0.018;
  const double mean = (lo + hi) / 2, scv = (hi - lo) * (hi - lo) / 12 / (mean * mean);
  check_mg1("M/G/1 uniform[2,18] ms rho 0.8", uniform(lo, hi), scv, 0.8, 3e5, 503);
}

// ---- Open Jackson network: cache-aside ---------------------------------------------------------

TEST_CASE("Jackson network: cache-aside branch", "[validation][jackson]") {
  // Every request visits `entry`, then `cache` (a station call with hit_ratio 0.8); on a miss
  // (probability 0.2, decided by the cache) the caller then calls `db`. The cache releases its
  // server before the miss path runs, so this is an open Jackson network: Poisson arrivals,
  // exponential FCFS stations, Markov routing entry -> cache -> (0.2) db -> out. Visit ratios
  // 1, 1, 0.2; each station is an M/M/c at rate lambda * v_i (Burke + Bernoulli splitting), and the
  // end-to-end mean is sum_i v_i W_i.
  const double lambda = 100;
  const double hit_ratio = 0.8;
  config::Topology t;
  t.name = "cache-aside";
  t.components = {station("entry", 2, core::Distribution::exponential(0.0085)),
                  station("cache", 1, core::Distribution::exponential(0.007)),
                  station("db", 4, core::Distribution::exponential(0.160))};
  config::RequestClass r;
  r.name = "request";
  r.share = 1;
  config::Call lookup = call("cache");
  lookup.hit_ratio = hit_ratio;
  lookup.on_miss = {call("db")};
  r.calls = {call("entry"), lookup};
  t.requests = {r};

  const std::vector<qa::JacksonStation> stations = {{2, 0.0085}, {1, 0.007}, {4, 0.160}};
  const qa::JacksonResult j = qa::jackson_network_visits(stations, lambda, {1, 1, 1 - hit_ratio});
  REQUIRE(j.stable);
  auto s =
      simulate("Jackson cache-aside (visits 1, 1, 0.2)", t, lambda, 5e5, j.mean_end_to_end, 601);
  check_close("end-to-end mean response", s.classes[0].mean, j.mean_end_to_end);
  const char* names[] = {"entry", "cache", "db"};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& st = component(s, names[i]);
    check_close(std::string(names[i]) + " utilisation", st.utilisation, j.stations[i].utilisation);
    check_close(std::string(names[i]) + " throughput lambda v_i", st.throughput,
                j.stations[i].arrival_rate);
    // Per-visit wait: Wq_i = W_i - 1/mu_i.
    check_close(std::string(names[i]) + " mean wait", st.mean_wait,
                j.stations[i].mean_response - stations[i].mean_service);
  }
}

// ---- Tandem of three M/M/c stations ------------------------------------------------------------

TEST_CASE("tandem of three M/M/c stations", "[validation][tandem]") {
  // Poisson 80/s through A (c=4, exp 40 ms), B (c=8, exp 50 ms), C (c=1, exp 0.5 ms). By Burke's
  // theorem each station's departures are Poisson, so each is an M/M/c at 80/s and the end-to-end
  // mean is the sum of the three M/M/c means.
  const double lambda = 80;
  struct Stage {
    const char* name;
    int c;
    double mean_service;
  };
  const Stage stages[] = {{"A", 4, 0.040}, {"B", 8, 0.050}, {"C", 1, 0.0005}};
  std::vector<config::Component> components;
  double total = 0;
  std::vector<qa::MMcMetrics> metrics;
  for (const auto& st : stages) {
    components.push_back(station(st.name, st.c, core::Distribution::exponential(st.mean_service)));
    metrics.push_back(qa::mmc_metrics(lambda, 1 / st.mean_service, st.c));
    total += metrics.back().mean_response;
  }
  auto s = simulate("tandem A/B/C at 80/s", chain("tandem", components), lambda, 3e5, total, 701);
  check_close("end-to-end mean = sum of M/M/c W", s.classes[0].mean, total);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& st = component(s, stages[i].name);
    check_close(std::string(stages[i].name) + " utilisation", st.utilisation,
                metrics[i].utilisation);
    check_close(std::string(stages[i].name) + " mean wait", st.mean_wait, metrics[i].mean_wait);
  }
}
