// Component kinds through the engine, via `capsim simulate`: the behaviour each product's
// documentation promises, on small topologies written for the purpose.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;
using capsim::testing::named;
using capsim::testing::run_capsim;
using capsim::testing::TempFile;

namespace {

Json simulate(const TempFile& topology, const std::string& args) {
  auto r = run_capsim("simulate '" + topology.path.string() + "' " + args + " --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return Json::parse(r.out);
}

}  // namespace

TEST_CASE("pgbouncer's single core saturates while postgres has headroom, and the report says so",
          "[kinds][pgbouncer]") {
  // 1 ms of PgBouncer CPU per transaction: its one core serves at most 1,000 per second. 1,100 rps
  // of 0.5 ms queries use 1100 x 0.0005 / 8 = 7% of an 8-vCPU postgres.
  TempFile topology("bouncer.json", R"({"name": "bouncer-bound", "components": {
      "api": {"kind": "app", "replicas": 8, "vcpus": 8, "workers": 64},
      "bouncer": {"kind": "pgbouncer", "server": "db", "pool_mode": "transaction",
                  "default_pool_size": 50, "max_client_conn": 5000, "cpu": "1ms"},
      "db": {"kind": "postgres", "vcpus": 8, "max_connections": 200}},
    "requests": {"q": {"share": 1, "calls": [{"to": "api", "cpu": "1ms", "calls": [
      {"to": "bouncer", "query": "read", "time": "0.5ms"}]}]}}})");
  Json s = simulate(topology, "--rps 1100 --duration 2m --warmup 10s --replications 2");
  const Json& bouncer = named(s["components"], "bouncer");
  const Json& db = named(s["components"], "db");
  CHECK(bouncer["extra"]["cpu_utilisation"]["mean"].get<double>() > 0.99);
  CHECK(db["utilisation"]["mean"].get<double>() < 0.15);
  REQUIRE(!s["saturated"].empty());
  CHECK(s["saturated"][0] == "bouncer");

  // At 600 rps the same core is 60% busy: nothing saturates.
  Json ok = simulate(topology, "--rps 600 --duration 1m --warmup 10s --replications 2");
  CHECK(ok["saturated"].empty());
  CHECK(named(ok["components"], "bouncer")["extra"]["cpu_utilisation"]["mean"].get<double>() ==
        Approx(0.6).epsilon(0.05));
}

TEST_CASE("nginx: a slow upstream times out after proxy_read_timeout, is marked down, then 502",
          "[kinds][load_balancer]") {
  // Every request takes 2 s of I/O in the app; nginx waits 1 s (proxy_read_timeout), counts a
  // failure, and with max_fails 1 marks that server down for fail_timeout. Idempotent requests try
  // the other server; once both are marked down, requests get a 502 at once (and nginx clears the
  // marks, so the next request tries again).
  TempFile topology("slow.json", R"({"name": "slow-upstream", "components": {
      "lb": {"kind": "load_balancer", "upstream": "api", "read_timeout": "1s", "max_fails": 1,
             "fail_timeout": "10s"},
      "api": {"kind": "app", "replicas": 2, "vcpus": 1, "workers": 100}},
    "requests": {
      "get": {"share": 0.5, "calls": [{"to": "api", "io": "2s"}]},
      "post": {"share": 0.5, "idempotent": false, "calls": [{"to": "api", "io": "2s"}]}}})");
  Json s = simulate(topology, "--rps 2 --duration 5m --warmup 10s --replications 1");
  const Json& get = named(s["classes"], "get");
  const Json& post = named(s["classes"], "post");
  CHECK(get["error_rate"]["mean"] == 1.0);
  CHECK(post["error_rate"]["mean"] == 1.0);
  CHECK(get["errors"].contains("504 upstream timed out"));
  CHECK(get["errors"].contains("502 no live upstream"));
  const Json& lb = named(s["components"], "lb");
  CHECK(lb["extra"]["read_timeouts"]["mean"].get<double>() > 0);
  CHECK(lb["extra"]["marked_down"]["mean"].get<double>() > 0);
  CHECK(lb["extra"]["retries"]["mean"].get<double>() > 0);
  // A non-idempotent request is not retried after it was sent: each timed-out POST is one failure,
  // so POSTs cause fewer upstream timeouts per request than GETs, which try both servers.
  double post_timeouts = post["errors"].value("504 upstream timed out", 0.0);
  double get_timeouts = get["errors"].value("504 upstream timed out", 0.0);
  CHECK(post_timeouts > 0);
  CHECK(get_timeouts > 0);
}

TEST_CASE("MMPP bursts keep the mean rate and lengthen the queue", "[kinds][traffic]") {
  // A station at rho 0.7 under Poisson, and under bursts of 4x the calm rate (10 s bursts every
  // ~60 s): the same throughput, a longer mean response time.
  TempFile topology("station.json", R"({"name": "bursty", "components": {
      "s": {"kind": "station", "servers": 1, "service": {"dist": "exp", "mean": "10ms"}}},
    "requests": {"r": {"share": 1, "calls": [{"to": "s"}]}}})");
  TempFile poisson("poisson.json", R"({"name": "p", "start": "2027-01", "months": 1,
      "base": {"rps": 70}})");
  TempFile bursty("mmpp.json",
                  R"({"name": "b", "start": "2027-01", "months": 1, "base": {"rps": 70},
      "arrival": {"process": "mmpp", "burst_factor": 4, "mean_burst": "10s", "mean_calm": "60s"}})");
  std::string common = " --duration 20m --warmup 1m --replications 4";
  Json p = simulate(topology, "--traffic '" + poisson.path.string() + "'" + common);
  Json b = simulate(topology, "--traffic '" + bursty.path.string() + "'" + common);
  // Within 3 x the 95% CI half-width across replications (the burst schedule makes the bursty
  // run's rate vary far more than Poisson's).
  auto within = [](const Json& estimate, double exact) {
    double mean = estimate["mean"], hw = estimate["ci95"];
    INFO("simulated " << mean << " ± " << hw << ", expected " << exact);
    CHECK(std::fabs(mean - exact) <= 3 * hw);
  };
  within(p["classes"][0]["throughput_rps"], 70);
  within(b["classes"][0]["throughput_rps"], 70);
  within(p["classes"][0]["latency_s"]["mean"], 0.010 / 0.3);  // M/M/1: S / (1 - rho)
  double p_mean = p["classes"][0]["latency_s"]["mean"]["mean"];
  double b_mean = b["classes"][0]["latency_s"]["mean"]["mean"];
  CHECK(b_mean > 2 * p_mean);  // bursts at 4 x 0.53 = 2.1 x capacity build long queues
}

TEST_CASE(
    "pgbouncer session mode holds the connection for the whole request, transaction mode "
    "for the query",
    "[kinds][pgbouncer]") {
  // Each request: a 1 ms query, then a 50 ms external call from the app. In session mode
  // the server connection is held for about 51 ms, in transaction mode for 1 ms. At 30 rps on a
  // pool of 2: session mode keeps 30 x 0.051 = 1.53 connections busy (77% of the pool);
  // transaction mode 30 x 0.001 = 0.03 (1.5%).
  auto topology = [](const char* mode) {
    return std::string(R"({"name": "modes", "components": {
      "api": {"kind": "app", "replicas": 1, "vcpus": 4, "workers": 40},
      "bouncer": {"kind": "pgbouncer", "server": "db", "default_pool_size": 2, "max_client_conn": 1000,
                  "pool_mode": ")") +
           mode + R"("},
      "db": {"kind": "postgres", "vcpus": 4},
      "external": {"kind": "station", "servers": 1000, "service": "50ms"}},
    "requests": {"r": {"share": 1, "calls": [{"to": "api", "calls": [
      {"to": "bouncer", "query": "read", "time": "1ms"},
      {"to": "external"}]}]}}})";
  };
  // |simulated - exact| within 3 x the 95% CI half-width across replications.
  auto check_pool_use = [](const Json& s, double exact) {
    const Json& e = named(s["components"], "bouncer")["extra"]["pool_utilisation"];
    double mean = e["mean"], hw = e["ci95"];
    INFO("pool utilisation " << mean << " ± " << hw << ", expected " << exact);
    CHECK(std::fabs(mean - exact) <= 3 * hw);
  };
  TempFile session("session.json", topology("session"));
  TempFile transaction("transaction.json", topology("transaction"));
  std::string args = "--rps 30 --duration 5m --warmup 20s --replications 4";
  check_pool_use(simulate(session, args), 30 * 0.051 / 2);
  check_pool_use(simulate(transaction, args), 30 * 0.001 / 2);
}

TEST_CASE("worker_queue: priorities follow the non-preemptive priority queue (Cobham)",
          "[kinds][worker_queue]") {
  // One worker, concurrency 1; jobs take exactly 100 ms (a station with spare servers). 4 jobs/s of
  // priority 1 and 4/s of priority 10: rho 0.4 + 0.4. For a non-preemptive priority M/G/1
  // (Cobham 1954): W0 = sum(lambda_i E[S^2]) / 2 = 8 x 0.01 / 2 = 0.04 s, and the wait of class k
  // is W0 / ((1 - sigma_{k-1})(1 - sigma_k)): 0.04 / 0.6 = 0.0667 s for priority 1 and 0.04 / (0.6
  // x 0.2) = 0.333 s for priority 10. Job latency adds the 100 ms of the job.
  TempFile topology("priority.json", R"({"name": "priorities", "components": {
      "api": {"kind": "station", "servers": 100, "service": "1us"},
      "broker": {"kind": "redis", "op_cost": "1us"},
      "ml": {"kind": "station", "servers": 1000, "service": "100ms"},
      "jobs": {"kind": "worker_queue", "broker": "broker", "workers": 1, "concurrency": 1}},
    "requests": {
      "a": {"share": 0.5, "calls": [{"to": "api", "calls": [{"to": "jobs", "enqueue": "urgent"}]}]},
      "b": {"share": 0.5, "calls": [{"to": "api", "calls": [{"to": "jobs", "enqueue": "bulk"}]}]}},
    "jobs": {"urgent": {"priority": 1, "calls": [{"to": "ml"}]},
             "bulk": {"priority": 10, "calls": [{"to": "ml"}]}}})");
  Json s = simulate(topology, "--rps 8 --duration 2h --warmup 5m --replications 6");
  const Json& extra = named(s["components"], "jobs")["extra"];
  auto within = [](const Json& e, double exact) {
    double mean = e["mean"], hw = e["ci95"];
    INFO("simulated " << mean << " ± " << hw << ", expected " << exact);
    CHECK(std::fabs(mean - exact) <= 3 * hw);
  };
  within(extra["job_latency_mean.urgent"], 0.1 + 0.04 / 0.6);
  within(extra["job_latency_mean.bulk"], 0.1 + 0.04 / (0.6 * 0.2));
}

TEST_CASE("worker_queue: the rate limiter caps job starts per window", "[kinds][worker_queue]") {
  // 5 jobs/s arrive, 10 workers could run them all, but the limiter lets 2 start per second.
  TempFile topology("limiter.json", R"({"name": "limited", "components": {
      "api": {"kind": "station", "servers": 100, "service": "1us"},
      "broker": {"kind": "redis"},
      "ml": {"kind": "station", "servers": 1000, "service": "10ms"},
      "jobs": {"kind": "worker_queue", "broker": "broker", "workers": 10,
               "limiter": {"max": 2, "duration": "1s"}}},
    "requests": {"r": {"share": 1, "calls": [{"to": "api", "calls": [{"to": "jobs", "enqueue": "j"}]}]}},
    "jobs": {"j": {"calls": [{"to": "ml"}]}}})");
  Json s = simulate(topology, "--rps 5 --duration 10m --warmup 10s --replications 2");
  const Json& jobs = named(s["components"], "jobs");
  double rate = jobs["throughput_rps"]["mean"];
  CHECK(rate <= 2.0 + 1e-9);
  CHECK(rate >= 1.99);
  CHECK(jobs["max_queue"].get<double>() > 1000);  // 3 jobs/s pile up for 10 minutes
}
