// Drills on the stateless and queueing tiers: app replicas behind nginx (and under an HPA), Qdrant
// nodes, BullMQ workers, stations, and a zone lost from a topology spread over two zones. Each
// topology is small and written for its test; the scenarios run in process through
// run_replications (forked children: SimGrid allows one engine per process), so the components'
// figures and the timeline of replication 0 can be checked together. Expected figures come from
// the protocols' documented behaviour (docs/SEMANTICS.md 2.7-2.11); each tolerance is worked out
// next to its check.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/load.hpp"
#include "models/blueprint.hpp"
#include "models/registry.hpp"
#include "runs/replications.hpp"
#include "sim/summary.hpp"
#include "tests/support/drill_support.hpp"
#include "tests/support/summary_support.hpp"

namespace core = capsim::core;
namespace config = capsim::config;
namespace sim = capsim::sim;
using Json = nlohmann::json;

using capsim::testing::cls;
using capsim::testing::comp;
using namespace capsim::testing::drills;

namespace {

// Three gunicorn replicas behind nginx; every request holds its worker for 10 ms of CPU and 190 ms
// of I/O, half of them GETs and half POSTs (not idempotent).
std::string nginx_topology(int max_fails, const std::string& autoscale = "") {
  return R"({"name": "nginx-drill", "components": {
      "lb": {"kind": "load_balancer", "upstream": "api", "max_fails": )" +
         std::to_string(max_fails) + R"(, "fail_timeout": "10s"},
      "api": {"kind": "app", "replicas": 3, "vcpus": 1, "workers": 32)" +
         autoscale + R"(}},
    "requests": {
      "get": {"share": 0.5, "calls": [{"to": "api", "cpu": "10ms", "io": "190ms"}]},
      "post": {"share": 0.5, "idempotent": false,
               "calls": [{"to": "api", "cpu": "10ms", "io": "190ms"}]}}})";
}

}  // namespace

TEST_CASE("nginx marks a dead replica down after max_fails failures, survivors take its share",
          "[drill-components][load_balancer][app]") {
  // api[1] dies 1 s into the measured window (so that what it held was measured) and stays down
  // for the remaining 119 s. At 60 rps each
  // replica holds 20/s x 0.2 s = 4 requests, so ~2 POSTs die with it: nginx had sent them, so it
  // may not retry them (proxy_next_upstream, non-idempotent) and they fail. Everything after is a
  // refused connect, before anything was sent: nginx tries the next server even for a POST, so the
  // outage costs no further errors, only wasted tries.
  const int reps = 4;
  const double duration = 120;
  auto kill = [&](int max_fails) {
    config::Topology t = topology(nginx_topology(max_fails));
    config::Scenario s = scenario(R"({"name": "kill-api-1", "actions": [
        {"at": "1s", "action": "kill", "target": "api[1]"}]})",
                                  t);
    return drill(t, s, 60, duration, 20, reps);
  };
  sim::RunSummary one = kill(1);
  print_timeline("max_fails 1", one);
  const auto& get = cls(one, "get");
  const auto& post = cls(one, "post");
  CHECK(total_errors(get) == 0);
  // Only the POSTs the replica held at the kill fail: at most everything it held (its
  // failed_at_kill, GETs included), and over 4 replications some (~8 expected; P(0) = e^-8).
  double held = extra(one, "api", "failed_at_kill") * reps;
  std::printf("  POSTs failed %g, requests held at the kill %g (4 replications)\n",
              total_errors(post), held);
  CHECK(total_errors(post) == errors(post, "app replica down"));
  CHECK(total_errors(post) > 0);
  CHECK(total_errors(post) <= held);
  // With max_fails 1 every fail_timeout costs one refused try: marked down for 10 s, tried again,
  // refused, marked down again. In 119 s that is 11 tries when requests it held at the kill mark it
  // down first (at 1 s; tries at ~11, 21, ..., 111 s), 12 when none did and the first arrival
  // after the kill is refused; the arrival that lands on it after a mark lapses comes within a
  // few 1/60 s, so no extra cycle fits.
  double refused_1 = extra(one, "api", "refused_while_down");
  std::printf("  max_fails 1: refused tries per replication %.2f (expected 11-12)\n", refused_1);
  CHECK(refused_1 >= 11);
  CHECK(refused_1 <= 12);
  // The two survivors serve the dead one's third: 30 rps x 10 ms = 30% CPU each instead of the 20%
  // each carries with three (3/2 as much), for 119 of the 120 s: 0.2 x 1/120 + 0.3 x 119/120 =
  // 29.9%. Constant CPU, so only the count varies: ~3,600 requests per replica and replication,
  // sd 1.7%, 0.85% over four: 5% is 6 sd. The dead one worked its first second only: 0.2 / 120.
  CHECK(extra(one, "api", "replica0_cpu") == Approx(0.299).epsilon(0.05));
  CHECK(extra(one, "api", "replica2_cpu") == Approx(0.299).epsilon(0.05));
  CHECK(extra(one, "api", "replica1_cpu") < 0.01);
  // The timeline: the replica dies, nginx marks it down once for the whole outage, and it never
  // comes back (no autoscaler, no restore).
  CHECK(events(one, "replica down", "api").size() == 1);
  CHECK(events(one, "server marked down", "lb").size() == 1);
  CHECK(events(one, "server back", "lb").empty());
  CHECK(events(one, "replacement ready").empty());

  // max_fails 3: three refused tries per fail_timeout instead of one (33-36 in 119 s; the tries
  // held at the kill may count towards the first marking), each an extra try on a survivor; still
  // no GET errors, and POSTs fail only for what the replica held.
  sim::RunSummary three = kill(3);
  double refused_3 = extra(three, "api", "refused_while_down");
  std::printf("  max_fails 3: refused tries per replication %.2f (expected 33-36)\n", refused_3);
  CHECK(refused_3 >= 31);
  CHECK(refused_3 <= 36);
  CHECK(total_errors(cls(three, "get")) == 0);
  CHECK(total_errors(cls(three, "post")) <= extra(three, "api", "failed_at_kill") * reps);
  // nginx's retries: every refused try plus the GETs the replica held at the kill.
  CHECK(extra(three, "lb", "retries") >= refused_3);
}

TEST_CASE("A replica killed under an HPA is replaced after the policy's start-up time",
          "[drill-components][app][autoscale]") {
  // min = max = 3, so the HPA itself never changes the count: the kill at 30 s is answered by the
  // ReplicaSet starting a replacement pod, ready `startup` (20 s) later. The model has no jitter
  // there, so the replacement is noted at exactly 50 s. nginx marked the dead replica down for
  // fail_timeout (10 s) at a time, so it is back in rotation at the first try after 50 s: by 60 s
  // (plus the ~50 ms until the next request lands on it).
  config::Topology t = topology(
      nginx_topology(1, R"(, "autoscale": {"policy": "hpa", "min": 3, "max": 3, "target_cpu": 0.7,
                             "startup": "20s"})"));
  config::Scenario s = scenario(R"({"name": "kill-api-2", "actions": [
      {"at": "30s", "action": "kill", "target": "api[2]"}]})",
                                t);
  sim::RunSummary r = drill(t, s, 60, 90, 20, 2);
  print_timeline("HPA replacement", r);
  auto down = events(r, "replica down", "api");
  auto ready = events(r, "replacement ready", "api");
  REQUIRE(down.size() == 1);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].time - down[0].time == Approx(20).margin(1e-6));
  auto back = events(r, "server back", "lb");
  REQUIRE(back.size() == 1);
  CHECK(back[0].time >= ready[0].time);
  CHECK(back[0].time <= ready[0].time + 10 + 0.5);
  CHECK(total_errors(cls(r, "get")) == 0);
  // Refused tries only while it was dead: 20 s at one per fail_timeout, 1-2 per replication.
  CHECK(extra(r, "api", "refused_while_down") <= 20 / 10.0);
}

TEST_CASE(
    "Qdrant: replication factor 2 survives a node loss, factor 1 fails searches until restore",
    "[drill-components][qdrant]") {
  // Three nodes, three shards (one per node by default). A search fans out to all three shards at
  // 5 ms each: 100 rps put 100 x 15 ms / (3 nodes x 2 vCPUs) = 25% on each node. node[1] is down
  // from 20 s to 60 s of a 90 s window.
  auto qdrant = [&](int rf) {
    return topology(R"({"name": "vectors-drill", "components": {
        "vectors": {"kind": "qdrant", "nodes": 3, "vcpus": 2, "replication_factor": )" +
                    std::to_string(rf) + R"(}},
      "requests": {"search": {"share": 1, "calls": [{"to": "vectors", "time": "5ms"}]}}})");
  };
  const std::string text = R"({"name": "kill-node-1", "actions": [
      {"at": "20s", "action": "kill", "target": "vectors.node[1]", "for": "40s"}]})";

  // RF 2: every shard keeps a live replica, so no search fails, not even those running on node[1]
  // when it died (their shard is searched again on its other replica). The survivors carry the
  // whole load while it is down: 100 x 15 ms / 4 vCPUs = 37.5%, so over the run
  // (50 x 25% + 40 x 37.5%) / 90 = 30.6% each against 50 x 25% / 90 = 13.9% for node[1]. Each
  // shard search is constant, so the spread is the Poisson count's: ~9,000 searches per replication
  // (1%), well within the 5% allowed.
  config::Topology two = qdrant(2);
  sim::RunSummary r2 = drill(two, scenario(text, two), 100, 90, 10, 3);
  print_timeline("qdrant RF 2", r2);
  CHECK(total_errors(cls(r2, "search")) == 0);
  CHECK(extra(r2, "vectors", "node0_cpu") == Approx(0.306).epsilon(0.05));
  CHECK(extra(r2, "vectors", "node2_cpu") == Approx(0.306).epsilon(0.05));
  CHECK(extra(r2, "vectors", "node1_cpu") == Approx(0.139).epsilon(0.05));
  auto down2 = events(r2, "node down", "vectors");
  REQUIRE(down2.size() == 1);
  CHECK(down2[0].detail.find("every shard has a live replica") != std::string::npos);

  // RF 1: node[1] holds the only copy of its shard, and every search needs every shard: all of
  // them fail from the kill until the restore, none before or after. 40 s at 100 rps is ~4,000
  // failures per replication (sd 63): 10% is 6 sd.
  config::Topology one = qdrant(1);
  sim::RunSummary r1 = drill(one, scenario(text, one), 100, 90, 10, 3);
  print_timeline("qdrant RF 1", r1);
  const auto& search = cls(r1, "search");
  CHECK(total_errors(search) == errors(search, "shard unavailable"));
  CHECK(total_errors(search) / 3 == Approx(40 * 100).epsilon(0.1));
  REQUIRE(r1.drill->first.first_error);
  REQUIRE(r1.drill->first.last_error);
  // Searches running on node[1] at the kill fail with it (arrived just before 20 s); the last
  // failure arrived just before the restore at 60 s.
  CHECK(*r1.drill->first.first_error >= 19.9);
  CHECK(*r1.drill->first.first_error <= 20.1);
  CHECK(*r1.drill->first.last_error >= 59.9);
  CHECK(*r1.drill->first.last_error <= 60.0);
  auto down1 = events(r1, "node down", "vectors");
  REQUIRE(down1.size() == 1);
  CHECK(down1[0].detail.find("1 of 3 shards have no live replica") != std::string::npos);
  CHECK(events(r1, "node back", "vectors").size() == 1);
}

namespace {

// BullMQ: `jobs` with 2 workers of concurrency 5; each job is one call of `job` to an external
// service with room for everything. Enqueueing is one command on a Redis broker.
config::Topology queue_topology(const std::string& job) {
  return topology(R"({"name": "queue-drill", "components": {
      "broker": {"kind": "redis", "vcpus": 1},
      "jobs": {"kind": "worker_queue", "broker": "broker", "workers": 2, "concurrency": 5},
      "external": {"kind": "station", "servers": 1000, "service": ")" +
                  job + R"("}},
    "requests": {"submit": {"share": 1, "calls": [{"to": "jobs", "enqueue": "work"}]}},
    "jobs": {"work": {"calls": [{"to": "external"}]}}})");
}

// The scenario's traffic action stops arrivals (factor 0, which files may not say), so that every
// job has ended by the end of the run.
config::Scenario stopping_traffic(const std::string& text, const config::Topology& t) {
  config::Scenario s = scenario(text, t);
  for (auto& a : s.actions)
    if (a.action == "traffic") a.factor = 0;
  return s;
}

}  // namespace

TEST_CASE("BullMQ: a dead worker's jobs stall and come back after lock expiry and the stall check",
          "[drill-components][worker_queue]") {
  // 0.7 jobs/s of 10 s each keep 7 of the 10 slots busy; worker 0 dies at 60 s holding ~3.5 of
  // them and is restored at 180 s. Its jobs' locks were renewed every 15 s (lockDuration / 2) from
  // their start, so they expire 15-30 s after the kill; the stalled-job check (every 30 s, its own
  // phase) finds them at its first run after that, and puts them back at the front of the wait
  // list: 15-60 s after the kill, by the documented defaults. Meanwhile 7 jobs' worth of work
  // meets 5 slots: the backlog grows by ~0.2 jobs/s and drains after the restore at ~0.3 jobs/s.
  // Arrivals stop at 300 s, so by 420 s every job has ended: none may be lost.
  config::Topology t = queue_topology("10s");
  config::Scenario s = stopping_traffic(R"({"name": "kill-worker-0", "actions": [
      {"at": "60s", "action": "kill", "target": "jobs[0]"},
      {"at": "180s", "action": "restore", "target": "jobs[0]"},
      {"at": "300s", "action": "traffic", "factor": 1}]})",
                                        t);
  double stalled = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    sim::RunSummary r = drill(t, s, 0.7, 420, 30, 1, seed);
    if (seed == 1) print_timeline("worker loss", r);
    auto back = events(r, "stalled jobs back in the queue", "jobs");
    double n = extra(r, "jobs", "jobs_stalled");
    stalled += n;
    INFO("seed " << seed);
    if (n > 0) {
      REQUIRE(back.size() == 1);
      double after = back[0].time - 60;
      std::printf("  seed %d: %g jobs stalled, back in the queue %.1f s after the kill\n",
                  static_cast<int>(seed), n, after);
      CHECK(after > 15);
      CHECK(after <= 60);
    }
    CHECK(extra(r, "jobs", "jobs_failed_stalled") == 0);
    CHECK(extra(r, "jobs", "jobs_enqueued_total") ==
          extra(r, "jobs", "jobs_completed_total") + extra(r, "jobs", "jobs_failed_total"));
    CHECK(extra(r, "jobs", "jobs_failed_total") == 0);
    auto drained = events(r, "backlog drained", "jobs");
    REQUIRE(drained.size() == 1);
    CHECK(drained[0].time > 180);
  }
  // ~3.5 jobs per kill: over six seeds some must have stalled (P(none) is negligible).
  CHECK(stalled >= 6);
}

TEST_CASE("BullMQ: a job that stalls a second time fails (maxStalledCount 1)",
          "[drill-components][worker_queue]") {
  // 60 s jobs at 0.1/s keep ~6 slots busy. Worker 0 dies at 100 s: its jobs are back 15-60 s
  // later and restart on worker 1 (front of the wait list), running until at least 175 s. Worker 1
  // dies at 170 s, stalling them again; worker 0 comes back at 175 s and the next stall checks fail
  // them: "job stalled more than allowable limit". Whatever ends, every job is accounted for.
  config::Topology t = queue_topology("60s");
  config::Scenario s = stopping_traffic(R"({"name": "kill-both", "actions": [
      {"at": "100s", "action": "kill", "target": "jobs[0]"},
      {"at": "170s", "action": "kill", "target": "jobs[1]"},
      {"at": "175s", "action": "restore", "target": "jobs[0]"},
      {"at": "180s", "action": "restore", "target": "jobs[1]"},
      {"at": "300s", "action": "traffic", "factor": 1}]})",
                                        t);
  double failed = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    sim::RunSummary r = drill(t, s, 0.1, 600, 30, 1, seed);
    if (seed == 1) print_timeline("stalled twice", r);
    failed += extra(r, "jobs", "jobs_failed_stalled");
    CHECK(extra(r, "jobs", "jobs_enqueued_total") ==
          extra(r, "jobs", "jobs_completed_total") + extra(r, "jobs", "jobs_failed_total"));
  }
  std::printf("  jobs failed after stalling twice, over 4 seeds: %g\n", failed);
  CHECK(failed >= 1);
}

TEST_CASE("A station killed fails everything it holds and every visit until restored",
          "[drill-components][station]") {
  // One station of 4 servers at 50 rps x 20 ms (25% busy), down from 10 s to 30 s of 60 s: every
  // request arriving in those 20 s fails (~1,000 per replication, sd 32: 10% is 3 sd), plus the
  // one or two in service at the kill (arrived just before 10 s), none after the restore.
  config::Topology t = topology(R"({"name": "station-drill", "components": {
      "s": {"kind": "station", "servers": 4, "service": "20ms"}},
    "requests": {"r": {"share": 1, "calls": [{"to": "s"}]}}})");
  config::Scenario s = scenario(R"({"name": "kill-station", "actions": [
      {"at": "10s", "action": "kill", "target": "s", "for": "20s"}]})",
                                t);
  sim::RunSummary r = drill(t, s, 50, 60, 5, 2);
  const auto& c = cls(r, "r");
  CHECK(total_errors(c) == errors(c, "station down"));
  CHECK(total_errors(c) / 2 == Approx(20 * 50).epsilon(0.1));
  CHECK(*r.drill->first.first_error >= 9.9);
  CHECK(*r.drill->first.last_error <= 30.0);
  CHECK(events(r, "station down", "s").size() == 1);
  CHECK(events(r, "restored", "s").size() == 1);
}

TEST_CASE("Losing zone a: replicated tiers spread over both zones survive, single ones do not",
          "[drill-components][zones]") {
  // Two zones; instances are placed round-robin over them: lb[0], api[0], api[2], vectors.node[0]
  // and node[2] and the one-machine station `ml` in zone a. Qdrant puts each shard's two replicas
  // on the least-loaded nodes (shard 0 on nodes 0 and 1, shard 1 on 2 and 3, ...), one in each
  // zone, so every shard keeps a replica. Killing zone:a at 20 s for the rest of the 60 s:
  // - search (api -> vectors) survives: nginx retries what api[0] and api[2] held and marks them
  //   down, lb[1] takes every client; only the requests lb[0] itself was proxying fail.
  // - score (api -> ml) fails from then on: ml has no second instance.
  config::Topology t = topology(R"({"name": "two-zones", "zones": ["a", "b"], "components": {
      "lb": {"kind": "load_balancer", "upstream": "api", "instances": 2},
      "api": {"kind": "app", "replicas": 4, "vcpus": 2, "workers": 16},
      "vectors": {"kind": "qdrant", "nodes": 4, "shards": 4, "replication_factor": 2, "vcpus": 2},
      "ml": {"kind": "station", "servers": 8, "service": "30ms"}},
    "requests": {
      "search": {"share": 0.8, "calls": [{"to": "api", "cpu": "2ms", "calls": [
        {"to": "vectors", "time": "2ms"}]}]},
      "score": {"share": 0.2, "calls": [{"to": "api", "cpu": "2ms", "calls": [{"to": "ml"}]}]}}})");
  config::Scenario s = scenario(R"({"name": "lose-zone-a", "actions": [
      {"at": "20s", "action": "kill", "target": "zone:a"}]})",
                                t);
  sim::RunSummary r = drill(t, s, 100, 60, 10, 2);
  print_timeline("zone a lost", r);
  const auto& search = cls(r, "search");
  const auto& score = cls(r, "score");
  // Search: at most what lb[0] was proxying at the kill (100 rps x ~5 ms: about one).
  CHECK(total_errors(search) == errors(search, "load balancer down"));
  CHECK(total_errors(search) <= 10);
  // Score: everything from the kill on, 40 s x 20 rps = ~800 per replication (sd 28; 10% is 3 sd).
  CHECK(total_errors(score) / 2 == Approx(40 * 20).epsilon(0.1));
  auto node = events(r, "node down", "vectors");
  REQUIRE(node.size() == 2);
  CHECK(node[1].detail.find("every shard has a live replica") != std::string::npos);
  CHECK(events(r, "station down", "ml").size() == 1);
  CHECK(events(r, "replica down", "api").size() == 2);
  CHECK(events(r, "proxy down", "lb").size() == 1);
}

TEST_CASE(
    "nginx's own instances: losing one moves clients to the other, losing all fails every "
    "request",
    "[drill-components][load_balancer]") {
  // Two nginx instances behind a VIP in front of two replicas, 50 rps of 20 ms requests. lb[0]
  // dies at 10 s: only the requests it was proxying then fail (~50 x 0.02 / 2 = 0.5 on average),
  // lb[1] takes every client. Then both are down from 20 s to 30 s: every request arriving then
  // fails ("load balancer down": 10 s x 50 rps = ~500 per replication, sd 22; 10% is 2.2 sd per
  // replication, 3.2 over the two), From 30 s lb[1] serves alone again (lb[0] is never restored).
  config::Topology t = topology(R"({"name": "lb-instances", "components": {
      "lb": {"kind": "load_balancer", "upstream": "api", "instances": 2},
      "api": {"kind": "app", "replicas": 2, "vcpus": 2, "workers": 8}},
    "requests": {"r": {"share": 1, "calls": [{"to": "api", "cpu": "5ms", "io": "15ms"}]}}})");
  config::Scenario s = scenario(R"({"name": "kill-nginx", "actions": [
      {"at": "10s", "action": "kill", "target": "lb[0]"},
      {"at": "20s", "action": "kill", "target": "lb[1]", "for": "10s"}]})",
                                t);
  sim::RunSummary r = drill(t, s, 50, 60, 5, 2);
  print_timeline("nginx instances", r);
  const auto& c = cls(r, "r");
  CHECK(total_errors(c) == errors(c, "load balancer down"));
  CHECK(total_errors(c) / 2 == Approx(10 * 50).epsilon(0.1));
  CHECK(*r.drill->first.last_error <= 30.0);
  auto down = events(r, "proxy down", "lb");
  REQUIRE(down.size() == 2);
  CHECK(down[1].detail.find("no instance left") != std::string::npos);
  CHECK(events(r, "restored", "lb").size() == 1);
}

TEST_CASE(
    "slow: work started while a station or an app replica is slowed takes factor times longer",
    "[drill-components][station][app]") {
  // Service is constant (20 ms at the station, 20 ms of CPU on the app) with room for everything,
  // so a request's latency is its service time. Both are slowed x3 from 20 s to 40 s of a 60 s
  // window: a third of the requests take 60 ms, the mean is 20 x 2/3 + 60 x 1/3 = 33.3 ms. The
  // share that falls in the window is a binomial fraction of ~1,200 requests per class and
  // replication (sd 1.4% of the mean, 1% over the two): 5% is 5 sd.
  config::Topology t = topology(R"({"name": "slow", "components": {
      "s": {"kind": "station", "servers": 100, "service": "20ms"},
      "api": {"kind": "app", "replicas": 1, "vcpus": 64, "workers": 64}},
    "requests": {
      "station": {"share": 0.5, "calls": [{"to": "s"}]},
      "app": {"share": 0.5, "calls": [{"to": "api", "cpu": "20ms"}]}}})");
  config::Scenario s = scenario(R"({"name": "slow-both", "actions": [
      {"at": "20s", "action": "slow", "target": "s", "factor": 3, "for": "20s"},
      {"at": "20s", "action": "slow", "target": "api[0]", "factor": 3, "for": "20s"}]})",
                                t);
  sim::RunSummary r = drill(t, s, 40, 60, 5, 2);
  CHECK(cls(r, "station").mean.mean == Approx(0.0333).epsilon(0.05));
  CHECK(cls(r, "app").mean.mean == Approx(0.0333).epsilon(0.05));
  CHECK(total_errors(cls(r, "station")) + total_errors(cls(r, "app")) == 0);
}
