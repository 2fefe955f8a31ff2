// The product models: their pure decisions (models/decisions.hpp) against hand-derived values, then
// one scenario per kind through the engine against a closed form. Scenarios run through
// run_replications (forked processes: SimGrid allows one engine per process, so this test process
// never builds one) on small topologies built in code. A simulated mean passes when it is within
// max(3 x its 95% half-width across replications, a stated allowance) of the exact value, as in
// tests/engine/test_validation.cpp; loads are kept low where a formula assumes idle machines.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/topology.hpp"
#include "models/load_balancer/rules.hpp"
#include "models/postgres/rules.hpp"
#include "models/qdrant/rules.hpp"
#include "models/redis/rules.hpp"
#include "models/worker_queue/rules.hpp"
#include "runs/replications.hpp"
#include "sim/summary.hpp"
#include "tests/support/kinds_support.hpp"
#include "tests/support/summary_support.hpp"

namespace core = capsim::core;
namespace config = capsim::config;
namespace models = capsim::models;
namespace sim = capsim::sim;
using Catch::Detail::Approx;

using capsim::testing::cls;
using capsim::testing::comp;

namespace {

// ---- building topologies in code ------------------------------------------------------------

template <typename Spec>
config::Component component(const std::string& name, const std::string& kind, Spec spec,
                            int vcpus = 0) {
  config::Component c;
  c.name = name;
  c.kind = kind;
  c.vcpus = vcpus;
  c.params = std::make_shared<Spec>(std::move(spec));
  return c;
}

config::Call call(const std::string& to, const std::string& op = "",
                  std::optional<core::Distribution> time = std::nullopt) {
  config::Call c;
  c.to = to;
  c.op = op;
  c.demand = std::move(time);
  return c;
}

config::Call query(const std::string& to, const std::string& kind, double time) {
  config::Call c = call(to, "", core::Distribution::constant(time));
  c.query = kind;
  return c;
}

config::RequestClass request(const std::string& name, double share,
                             std::vector<config::Call> calls) {
  config::RequestClass r;
  r.name = name;
  r.share = share;
  r.calls = std::move(calls);
  return r;
}

sim::RunSummary simulate(const std::string& label, const config::Topology& t, double rps,
                         double duration, double warmup, int replications = 5) {
  sim::LoadSpec load;
  load.rps = rps;
  sim::RunSpec run;
  run.duration = duration;
  run.warmup = warmup;
  run.timeseries = false;
  run.sample_interval = duration;
  capsim::runs::ReplicationPlan plan;
  plan.replications = replications;
  std::printf("\n== %s: %d replications x %.0f s at %.1f rps\n", label.c_str(), replications,
              duration, rps);
  sim::RunSummary s = capsim::runs::run_replications(t, load, run, plan);
  REQUIRE(s.replications == replications);
  REQUIRE(s.classes.size() == t.requests.size());
  REQUIRE(s.components.size() == t.components.size());
  return s;
}

const sim::Estimate& extra(const sim::ComponentSummary& c, const std::string& key) {
  INFO(c.name << " extra " << key);
  REQUIRE(c.extra.count(key) == 1);
  return c.extra.at(key);
}

// |simulated - exact| <= max(3 hw, allowance); prints the comparison either way.
void check_close(const std::string& what, const sim::Estimate& e, double exact,
                 double allowance = 0) {
  const double err = e.mean - exact;
  const double hw = std::isfinite(e.half_width) ? e.half_width : 0;
  const double tol = std::max(3 * hw, allowance);
  std::printf("  %-40s sim %-12.6g exact %-12.6g err %+7.3f%%  tol %6.3f%%\n", what.c_str(), e.mean,
              exact, 100 * err / exact, 100 * tol / exact);
  INFO(what << ": simulated " << e.mean << " +- " << e.half_width << " (95% CI), exact " << exact
            << ", tolerance " << tol);
  CHECK(std::abs(err) <= tol);
}

// ---- pure decisions -------------------------------------------------------------------------

}  // namespace

TEST_CASE("bullmq_backoff: none retries at once, fixed waits its delay, exponential doubles",
          "[models]") {
  // BullMQ docs: exponential with delay 1 s retries after 1 s, 2 s, 4 s (2^(attemptsMade-1) x 1 s).
  CHECK(models::bullmq_backoff("exponential", 1.0, 1) == 1.0);
  CHECK(models::bullmq_backoff("exponential", 1.0, 2) == 2.0);
  CHECK(models::bullmq_backoff("exponential", 1.0, 3) == 4.0);
  CHECK(models::bullmq_backoff("exponential", 0.25, 5) == 4.0);  // 2^4 x 250 ms
  // Rounded to whole milliseconds as backoffs.ts does (Math.round): 2^0 x 1.5 ms -> 2 ms.
  CHECK(models::bullmq_backoff("exponential", 0.0015, 1) == Approx(0.002));
  CHECK(models::bullmq_backoff("fixed", 2.0, 1) == 2.0);
  CHECK(models::bullmq_backoff("fixed", 2.0, 7) == 2.0);
  CHECK(models::bullmq_backoff("none", 0.0, 1) == 0.0);
  CHECK(models::bullmq_backoff("none", 5.0, 3) == 0.0);
}

TEST_CASE("qdrant_shard_cost: the time at 1M points per shard, scaled by ln(n) / ln(1M)",
          "[models]") {
  const double base = 0.010;
  CHECK(models::qdrant_shard_cost(base, 1'000'000) == Approx(0.010));
  CHECK(models::qdrant_shard_cost(base, 1'000) == Approx(0.005));  // ln 10^3 / ln 10^6 = 1/2
  CHECK(models::qdrant_shard_cost(base, 1'000'000'000) == Approx(0.015));  // 9/6
  CHECK(models::qdrant_shard_cost(base, 10'000'000) == Approx(0.010 * 7 / 6));
  CHECK(models::qdrant_shard_cost(base, 0) == Approx(0.010 * std::log(2.0) / std::log(1e6)));
  CHECK(models::qdrant_shard_cost(base, -1) == base);  // size unknown: the time as given
}

TEST_CASE("redis_hit_ratio: only the part of the working set that fits in maxmemory can hit",
          "[models]") {
  const double gib = 1024.0 * 1024 * 1024;
  CHECK(models::redis_hit_ratio(0.8, gib, 2 * gib) == Approx(0.4));
  CHECK(models::redis_hit_ratio(0.9, 3 * gib, 4 * gib) == Approx(0.675));
  CHECK(models::redis_hit_ratio(0.8, 2 * gib, gib) == 0.8);  // it all fits
  CHECK(models::redis_hit_ratio(0.8, 2 * gib, 2 * gib) == 0.8);
  CHECK(models::redis_hit_ratio(0.8, std::nullopt, 2 * gib) == 0.8);
  CHECK(models::redis_hit_ratio(0.8, gib, std::nullopt) == 0.8);
  CHECK(models::redis_hit_ratio(0.8, 0.0, 2 * gib) == 0.8);  // maxmemory 0: no limit
  CHECK(models::redis_hit_ratio(1.5, std::nullopt, std::nullopt) == 1.0);
}

TEST_CASE("qdrant_placement: replicas on the least-loaded nodes, never twice on one node",
          "[models]") {
  auto p = models::qdrant_placement(3, 3, 2);
  REQUIRE(p.size() == 3);
  std::vector<int> per_node(3, 0);
  for (const auto& replicas : p) {
    CHECK(replicas.size() == 2);
    CHECK(std::set<int>(replicas.begin(), replicas.end()).size() == replicas.size());
    for (int n : replicas) ++per_node.at(n);
  }
  CHECK(per_node == std::vector<int>{2, 2, 2});
  CHECK(p == std::vector<std::vector<int>>{{0, 1}, {2, 0}, {1, 2}});  // round-robin

  // Qdrant's own test (shard_distribution.rs): 6 shards on 4 peers hold 1 or 2 each.
  auto six = models::qdrant_placement(4, 6, 1);
  std::vector<int> count(4, 0);
  for (const auto& r : six) ++count.at(r.at(0));
  CHECK(*std::min_element(count.begin(), count.end()) == 1);
  CHECK(*std::max_element(count.begin(), count.end()) == 2);

  // Fewer shards x replicas than nodes: every node still used once.
  CHECK(models::qdrant_placement(4, 2, 2) == std::vector<std::vector<int>>{{0, 1}, {2, 3}});
  // At most one replica per node: replication_factor is capped at the nodes.
  CHECK(models::qdrant_placement(2, 1, 3) == std::vector<std::vector<int>>{{0, 1}});
  CHECK(models::qdrant_placement(1, 3, 1) == std::vector<std::vector<int>>{{0}, {0}, {0}});
}

TEST_CASE("redis_master_for_slot: 16384 slots in contiguous near-equal ranges", "[models]") {
  // The layout redis-cli --cluster create gives 3 masters: 0-5460, 5461-10922, 10923-16383.
  CHECK(models::redis_master_for_slot(0, 3) == 0);
  CHECK(models::redis_master_for_slot(5460, 3) == 0);
  CHECK(models::redis_master_for_slot(5461, 3) == 1);
  CHECK(models::redis_master_for_slot(10922, 3) == 1);
  CHECK(models::redis_master_for_slot(10923, 3) == 2);
  CHECK(models::redis_master_for_slot(16383, 3) == 2);
  CHECK(models::redis_master_for_slot(12345, 1) == 0);
  for (int masters : {3, 4, 5, 7, 10, 100}) {
    std::vector<int> owned(masters, 0);
    for (int s = 0; s < models::kRedisClusterSlots; ++s)
      ++owned.at(models::redis_master_for_slot(s, masters));
    INFO(masters << " masters");
    CHECK(*std::max_element(owned.begin(), owned.end()) -
              *std::min_element(owned.begin(), owned.end()) <=
          1);
  }
}

TEST_CASE("postgres_sync_commit_wait: the network round trip, 1 ms without one", "[models]") {
  CHECK(models::postgres_sync_commit_wait(0.0002) == 0.0002);
  CHECK(models::postgres_sync_commit_wait(0.002) == 0.002);
  CHECK(models::postgres_sync_commit_wait(0) == 0.001);
}

// ---- scenarios through the engine -----------------------------------------------------------

TEST_CASE("redis: the hit ratio halves when the working set is twice maxmemory", "[models]") {
  const double gib = 1024.0 * 1024 * 1024;
  config::Topology t;
  t.name = "redis-hits";
  capsim::models::RedisParams cache;
  cache.mode = "sentinel";
  cache.replicas = 2;
  cache.maxmemory = gib;
  cache.working_set = 2 * gib;
  capsim::models::RedisParams full = cache;  // the same cache with everything fitting
  full.working_set.reset();
  capsim::models::StationParams db;
  db.servers = 64;
  db.service = core::Distribution::constant(0.001);
  t.components = {component("cache", "redis", cache), component("full", "redis", full),
                  component("db", "station", db)};
  config::Call get = call("cache", "get");
  get.hit_ratio = 0.8;
  get.on_miss = {call("db")};
  config::Call get_full = get;
  get_full.to = "full";
  t.requests = {request("read", 0.4, {get}), request("read_full", 0.4, {get_full}),
                request("set", 0.2, {call("cache", "set")})};
  auto s = simulate("redis hit ratio", t, 500, 200, 5);

  const auto& c = comp(s, "cache");
  check_close("hit ratio, working set 2 x maxmemory", extra(c, "hit_ratio"), 0.8 * 0.5);
  check_close("hit ratio, everything fits", extra(comp(s, "full"), "hit_ratio"), 0.8);
  // A miss costs one 1 ms query more (the op itself and the network are nearly free here).
  const double op = 1.0 / 180000;  // docs/SEMANTICS.md 2.3: SET 180k rps
  check_close("read mean latency", cls(s, "read").mean, op + 0.6 * 0.001);
  // The default per-command cost, 1/180k s: a lone SET at 0.02% utilisation barely queues.
  CHECK(cls(s, "set").mean.mean == Approx(op).epsilon(0.01));
  // Sentinel with 2 replicas: one master serves, three redis-server instances in all.
  CHECK(c.instances == 3);
  CHECK(extra(c, "masters").mean == 1);
  CHECK(extra(c, "replicas").mean == 2);
}

TEST_CASE("redis cluster: keys spread uniformly over the masters by slot", "[models]") {
  config::Topology t;
  t.name = "redis-cluster";
  capsim::models::RedisParams spec;
  spec.mode = "cluster";
  spec.masters = 3;
  spec.replicas = 1;
  spec.op_cost = core::Distribution::constant(0.001);
  t.components = {component("cache", "redis", spec)};
  t.requests = {request("set", 1, {call("cache", "set")})};
  // 300 rps over 3 masters: each is an M/D/1 queue at rho = 0.1 (a uniform split of a Poisson
  // stream is Poisson), W = S + rho S / (2 (1 - rho)). One master would be at rho = 0.3.
  const double S = 0.001, rho = 0.1;
  auto s = simulate("redis cluster", t, 300, 400, 5);
  check_close("mean latency (M/D/1 per master)", cls(s, "set").mean, S + rho * S / (2 * (1 - rho)));
  const auto& c = comp(s, "cache");
  CHECK(c.utilisation.mean == Approx(rho).epsilon(0.03));  // the busiest master
  CHECK(c.instances == 6);
  CHECK(extra(c, "masters").mean == 3);
  CHECK(extra(c, "replicas").mean == 3);
}

TEST_CASE("qdrant: a search waits for its slowest shard, writes for write_consistency_factor acks",
          "[models]") {
  config::Topology t;
  t.name = "qdrant";
  auto qdrant = [](int rf, int wcf, std::optional<long long> points) {
    capsim::models::QdrantParams q;
    q.nodes = 3;
    q.shards = 3;
    q.replication_factor = rf;
    q.write_consistency_factor = wcf;
    q.points = points;
    return q;
  };
  t.components = {component("v", "qdrant", qdrant(1, 1, std::nullopt)),
                  component("small", "qdrant", qdrant(1, 1, 3000)),
                  component("wcf1", "qdrant", qdrant(2, 1, std::nullopt)),
                  component("wcf2", "qdrant", qdrant(2, 2, std::nullopt))};
  const auto exp10 = core::Distribution::exponential(0.010);
  t.requests = {request("search", 0.25, {call("v", "search", exp10)}),
                request("search_small", 0.25, {call("small", "search", exp10)}),
                request("upsert_wcf1", 0.25, {call("wcf1", "upsert", exp10)}),
                request("upsert_wcf2", 0.25, {call("wcf2", "upsert", exp10)})};
  // 5 rps per class on 2-vCPU nodes: the nodes are all but idle.
  auto s = simulate("qdrant fan-out", t, 20, 10000, 5);
  // The mean of the max of n independent Exp(m) is m (1 + 1/2 + ... + 1/n); the min of 2 is m / 2.
  check_close("search: max over 3 shards", cls(s, "search").mean, 0.010 * (1 + 1.0 / 2 + 1.0 / 3));
  // 3000 points over 3 shards: 1000 per shard, half the cost at 10^6 (ln 10^3 / ln 10^6).
  check_close("search, 1000 points per shard", cls(s, "search_small").mean,
              0.005 * (1 + 1.0 / 2 + 1.0 / 3));
  check_close("upsert, RF 2, WCF 1: first ack", cls(s, "upsert_wcf1").mean, 0.010 / 2);
  check_close("upsert, RF 2, WCF 2: both acks", cls(s, "upsert_wcf2").mean, 0.010 * 1.5);
  CHECK(comp(s, "v").instances == 3);
}

TEST_CASE("postgres: sync replication adds one round trip to write commits only", "[models]") {
  auto topology = [](double rtt) {
    config::Topology t;
    t.name = "pg-sync";
    t.network.rtt = rtt;
    auto pg = [](const std::string& replication, int replicas) {
      capsim::models::PostgresParams p;
      p.replication = replication;
      p.read_replicas = replicas;
      return p;
    };
    // 16 vCPUs each: never more queries than cores, so no processor sharing skews the times.
    t.components = {component("async", "postgres", pg("async", 1), 16),
                    component("sync", "postgres", pg("sync", 1), 16),
                    component("alone", "postgres", pg("sync", 0), 16)};
    const double q = 0.004;
    t.requests = {request("async_write", 1, {query("async", "write", q)}),
                  request("async_read", 1, {query("async", "read", q)}),
                  request("sync_write", 1, {query("sync", "write", q)}),
                  request("sync_read", 1, {query("sync", "read", q)}),
                  request("alone_write", 1, {query("alone", "write", q)}),
                  request("alone_read", 1, {query("alone", "read", q)})};
    return t;
  };
  // Constant times on idle machines: every latency is exact, the hop to the database being one
  // network round trip.
  const double q = 0.004, rtt = 0.002;
  auto s = simulate("postgres sync replication, rtt 2 ms", topology(rtt), 12, 300, 5, 2);
  CHECK(cls(s, "async_write").mean.mean == Approx(rtt + q).epsilon(1e-4));
  CHECK(cls(s, "async_read").mean.mean == Approx(rtt + q).epsilon(1e-4));
  CHECK(cls(s, "sync_write").mean.mean == Approx(rtt + q + rtt).epsilon(1e-4));
  CHECK(cls(s, "sync_read").mean.mean == Approx(rtt + q).epsilon(1e-4));
  CHECK(cls(s, "sync_write").error_rate.mean == 0);
  // sync with no standby: every write commit blocks ("the response may never occur if the last,
  // or only, standby should crash") holding its connection, so none completes, and once the
  // blocked commits hold all max_connections every new query is refused, reads too.
  const auto& alone = cls(s, "alone_write");
  CHECK(alone.completed == 0);
  CHECK(alone.errors.count("too many connections") == 1);
  CHECK(cls(s, "alone_read").errors.count("too many connections") == 1);
  CHECK(extra(comp(s, "alone"), "blocked_commits").mean > 0);

  // A topology without a network rtt: the commit waits 1 ms.
  auto z = simulate("postgres sync replication, rtt 0", topology(0), 12, 300, 5, 2);
  CHECK(cls(z, "sync_write").mean.mean == Approx(q + 0.001).epsilon(1e-4));
  CHECK(cls(z, "sync_read").mean.mean == Approx(q).epsilon(1e-4));
  CHECK(cls(z, "async_write").mean.mean == Approx(q).epsilon(1e-4));
}

TEST_CASE(
    "worker_queue: failed jobs are retried after BullMQ's backoff, attempts counting the first",
    "[models]") {
  // A station with one server and no waiting room (queue_limit 0) is kept half busy by a "hog"
  // class; a job's only call goes there and fails when the server is busy. It is an Erlang loss
  // system: a try is refused with probability B = a / (1 + a), a its offered load. Tries 1 s or
  // more apart see independent states (the station forgets in ~1/(lambda + mu) = 2.5 ms), so with
  // attempts 3 and exponential backoff from 1 s a job
  //   succeeds at once        with probability (1 - B),      latency S,
  //   on the 2nd try (+1 s)   with probability B (1 - B),    latency 1 s + S,
  //   on the 3rd try (+1+2 s) with probability B^2 (1 - B),  latency 3 s + S,
  //   fails                   with probability B^3, after 2 retries.
  // A second queue with attempts 1 never retries: its jobs fail with probability B.
  const double S = 0.005, hog = 200, jobs3 = 5, jobs1 = 2;
  config::Topology t;
  t.name = "bullmq";
  capsim::models::RedisParams broker;
  capsim::models::StationParams st;
  st.servers = 1;
  st.queue_limit = 0;
  st.service = core::Distribution::exponential(S);
  capsim::models::WorkerQueueParams q3;
  q3.broker = "broker";
  q3.workers = 2;
  q3.concurrency = 500;  // never the bottleneck
  q3.attempts = 3;
  q3.backoff = "exponential";
  q3.backoff_delay = 1;
  capsim::models::WorkerQueueParams q1 = q3;
  q1.attempts = 1;
  t.components = {component("broker", "redis", broker), component("st", "station", st),
                  component("jobs3", "worker_queue", q3), component("jobs1", "worker_queue", q1)};
  config::Job job;
  job.name = "work";
  job.calls = {call("st")};
  t.jobs = {job};
  config::Call enqueue3 = call("jobs3"), enqueue1 = call("jobs1");
  enqueue3.enqueue = enqueue1.enqueue = "work";
  const double rps = hog + jobs3 + jobs1;
  t.requests = {request("hog", hog / rps, {call("st")}),
                request("submit3", jobs3 / rps, {enqueue3}),
                request("submit1", jobs1 / rps, {enqueue1})};

  // B solves B = a / (1 + a) with a = S x (hog + jobs3 (1 + B + B^2) + jobs1): tries included.
  double B = 0.5;
  for (int i = 0; i < 200; ++i) {
    double a = S * (hog + jobs3 * (1 + B + B * B) + jobs1);
    B = a / (1 + a);
  }
  std::printf("  (Erlang B: a try is refused with probability %.4f)\n", B);
  auto s = simulate("worker_queue retries", t, rps, 5000, 10);

  auto per_replication = [](const sim::ComponentSummary& c, auto f) {
    std::vector<double> v;
    const auto& done = extra(c, "jobs_completed").samples;
    const auto& failed = extra(c, "jobs_failed").samples;
    const auto& retries = extra(c, "job_retries").samples;
    for (std::size_t i = 0; i < done.size(); ++i) v.push_back(f(done[i], failed[i], retries[i]));
    return sim::estimate(v);
  };
  const auto& c3 = comp(s, "jobs3");
  // Jobs straddling the window's ends bias the ratios by ~ the 3 s retry span / 1000 s: 1%.
  const double edge = 0.01;
  check_close("attempts 3: failed fraction B^3",
              per_replication(c3, [](double d, double f, double) { return f / (d + f); }),
              B * B * B, edge * B * B * B);
  check_close("attempts 3: retries per job B + B^2",
              per_replication(c3, [](double d, double f, double r) { return r / (d + f); }),
              B + B * B, edge * (B + B * B));
  const double latency = S + (B * (1 - B) * 1.0 + B * B * (1 - B) * 3.0) / (1 - B * B * B);
  check_close("attempts 3: mean job latency (1 s, then 2 s)", extra(c3, "job_latency_mean"),
              latency, edge * latency);
  const auto& c1 = comp(s, "jobs1");
  CHECK(extra(c1, "job_retries").mean == 0);
  check_close("attempts 1: failed fraction B",
              per_replication(c1, [](double d, double f, double) { return f / (d + f); }), B,
              edge * B);
  check_close("attempts 1: mean job latency S", extra(c1, "job_latency_mean"), S, edge * S);
}

TEST_CASE(
    "nginx passive health: max_fails within fail_timeout marks a server down for fail_timeout",
    "[models][load_balancer]") {
  using capsim::models::nginx_available;
  using capsim::models::nginx_record_failure;
  using capsim::models::PeerHealth;
  // The VoiceAssist runbook's max_fails=3 fail_timeout=30s, in a group of 3 servers.
  PeerHealth p;
  CHECK_FALSE(nginx_record_failure(p, 0, 3, 30, 3));
  CHECK_FALSE(nginx_record_failure(p, 10, 3, 30, 3));
  CHECK(nginx_record_failure(p, 20, 3, 30, 3));  // the third within 30 s
  CHECK_FALSE(nginx_available(p, 20, 3));
  CHECK_FALSE(nginx_available(p, 49.9, 3));
  CHECK(nginx_available(p, 50, 3));  // unavailable for fail_timeout after the mark

  PeerHealth spread;  // failures at 0, 10 and 45: only 45 is inside (15, 45]
  nginx_record_failure(spread, 0, 3, 30, 3);
  nginx_record_failure(spread, 10, 3, 30, 3);
  CHECK_FALSE(nginx_record_failure(spread, 45, 3, 30, 3));
  CHECK(nginx_available(spread, 45, 3));

  PeerHealth single;  // a group of one server is never marked
  for (int i = 0; i < 10; ++i) CHECK_FALSE(nginx_record_failure(single, i, 1, 10, 1));
  CHECK(nginx_available(single, 5, 1));

  PeerHealth off;  // max_fails 0 disables the accounting
  for (int i = 0; i < 10; ++i) CHECK_FALSE(nginx_record_failure(off, i, 0, 10, 3));
}
