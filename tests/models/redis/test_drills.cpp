// Redis failover drills through `capsim drill`: the end-to-end timings that Sentinel's and Redis
// Cluster's documented defaults imply (docs/SEMANTICS.md 2.1 and 2.2), no failover in a
// minority, CLUSTERDOWN with and without full coverage, and the writes lost to asynchronous
// replication. Each drill runs small loads over 20 replications (one engine per forked process),
// so the whole file takes seconds.
//
// The outage is measured as `errors_until` (seconds from the fault to the arrival of the last
// request that failed), one sample per replication. Requests call Redis directly, so a request
// fails exactly when its command reaches a master that cannot serve it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;
using capsim::testing::run_capsim;

namespace {

struct TempFile {
  fs::path path;
  TempFile(const std::string& name, const std::string& text)
      : path(fs::temp_directory_path() / (std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

// `capsim drill` on a topology and scenario given as text; its timeline.json. Exit 3 (the
// failover allowance missed) is a result like any other here.
Json drill(const std::string& topology, const std::string& scenario, const std::string& args) {
  TempFile t("redis-drill-topology.json", topology);
  TempFile s("redis-drill-scenario.json", scenario);
  auto r = run_capsim("drill '" + t.path.string() + "' --scenario '" + s.path.string() + "' " +
                      args + " --warmup 1s --jobs 2 --format json --quiet");
  INFO(r.err);
  REQUIRE((r.status == 0 || r.status == 3));
  return Json::parse(r.out);
}

std::string scenario(const std::string& duration, const std::string& actions) {
  return R"({"name": "redis-drill", "duration": ")" + duration + R"(", "actions": [)" + actions +
         "]}";
}

// Half reads, half writes, straight to the cache.
std::string topology(const std::string& cache, const std::string& extra = "") {
  return R"({"name": "redis-drill", )" + extra + R"( "components": {"cache": )" + cache +
         R"(}, "requests": {
           "read": {"share": 0.5, "calls": [{"to": "cache", "op": "get"}]},
           "write": {"share": 0.5, "idempotent": false, "calls": [{"to": "cache", "op": "set"}]}}})";
}

std::vector<double> outages(const Json& d) {
  return d["errors_until"]["samples_s"].get<std::vector<double>>();
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// The details of the cache's events of one kind in replication 1's timeline, joined.
std::string events(const Json& d, const std::string& event) {
  std::string out;
  for (const auto& e : d["events"])
    if (e["component"] == "cache" && e["event"] == event)
      out += e["detail"].get<std::string>() + "\n";
  return out;
}

// Failed requests by cause over every phase, class and replication.
std::map<std::string, double> errors(const Json& d) {
  std::map<std::string, double> out;
  for (const auto& p : d["phases"])
    for (const auto& c : p["classes"])
      for (const auto& [cause, n] : c["errors"].items()) out[cause] += n.get<double>();
  return out;
}

double total(const std::map<std::string, double>& m) {
  double t = 0;
  for (const auto& [cause, n] : m) t += n;
  return t;
}

const char* kSentinel =
    R"({"kind": "redis", "mode": "sentinel", "replicas": 2, "sentinels": 3, "quorum": 2)";

}  // namespace

// Sentinel: the first unanswered PING goes out 0-1 s after the fault (PING period 1 s); SDOWN when
// it is older than down-after, seen on the next 100 ms timer tick (0-0.1 s); ODOWN when the quorum
// agrees, learnt within the 1 s ask period (0-1 s); the failover starts after 0-1 s
// (SENTINEL_MAX_DESYNC) and the promotion is confirmed within 0-1 s (INFO every second during a
// failover). So the outage lies in [down-after, down-after + 4.1 s]; the bound 4.2 s leaves 0.1 s
// for a failed request's arrival before its command reaches the cache. The mean is down-after +
// 0.5 (second-earliest of 3 uniform pings, quorum 2) + 0.05 + 3 x 0.5 = down-after + 2.05 s with a
// standard deviation of ~0.55 s per drill, ~0.12 s over 20: the window down-after + [1, 3] s is
// some 8 standard deviations wide on each side.
TEST_CASE("redis sentinel with its defaults: ~31-33 s of failed commands after the master dies",
          "[drill-redis]") {
  Json d = drill(topology(std::string(kSentinel) + "}"),
                 scenario("45s", R"({"at": "5s", "action": "kill", "target": "cache.master"})"),
                 "--rps 200 --replications 20");
  auto o = outages(d);
  REQUIRE(o.size() == 20);
  for (double s : o) {
    CHECK(s >= 30.0);
    CHECK(s <= 34.2);
  }
  CHECK(mean(o) >= 31.0);
  CHECK(mean(o) <= 33.0);
  // The protocol's steps, in replication 1's timeline.
  CHECK(!events(d, "sdown").empty());
  CHECK(events(d, "odown").find("#quorum") != std::string::npos);
  CHECK(events(d, "elected").find("votes (needs 2)") != std::string::npos);
  CHECK(events(d, "promoted").find("cache.replica[0]") != std::string::npos);
  CHECK(!events(d, "clients reconnected").empty());
  // Reads and writes alike go to the master, and fail for one reason only.
  auto e = errors(d);
  CHECK(e.size() == 1);
  CHECK(e.count("redis master unreachable") == 1);
  CHECK(d["recovery"]["not_recovered"] == 0);
}

TEST_CASE(
    "redis sentinel with the runbook's down-after 5000 ms: ~6-8 s, and the old master rejoins",
    "[drill-redis]") {
  // The same bounds as above around down-after 5 s: [5, 9.2] s, mean 6-8 s.
  Json d = drill(topology(std::string(kSentinel) + R"(, "down_after": "5s"})"),
                 scenario("30s", R"({"at": "5s", "action": "kill", "target": "cache.master"},
                                    {"at": "20s", "action": "restore", "target": "cache.master"})"),
                 "--rps 200 --replications 20");
  auto o = outages(d);
  REQUIRE(o.size() == 20);
  for (double s : o) {
    CHECK(s >= 5.0);
    CHECK(s <= 9.2);
  }
  CHECK(mean(o) >= 6.0);
  CHECK(mean(o) <= 8.0);
  // Back after the promotion, the old master is a replica: nothing fails when it returns.
  CHECK(events(d, "rejoined").find("cache.master[0] (the old master) rejoins as a replica") !=
        std::string::npos);
  CHECK(events(d, "recovered").empty());
}

TEST_CASE("redis sentinel: a partitioned master fails over like a dead one", "[drill-redis]") {
  Json d = drill(topology(std::string(kSentinel) + R"(, "down_after": "5s"})"),
                 scenario("20s", R"({"at": "5s", "action": "partition", "target": "cache.master",
                                     "for": "12s"})"),
                 "--rps 200 --replications 3");
  for (double s : outages(d)) {
    CHECK(s >= 5.0);
    CHECK(s <= 9.2);
  }
  CHECK(!events(d, "promoted").empty());
  CHECK(!events(d, "rejoined").empty());  // healed after the promotion: a replica now
}

TEST_CASE("redis sentinel: no failover when the survivors are a minority of the sentinels",
          "[drill-redis]") {
  // Zones a and b; instances are placed round-robin by their index: the master (node 0) and the
  // second replica (node 2) in a, the first replica in b; sentinels 0 and 2 in a, sentinel 1 in b.
  // Losing zone a leaves 1 of 3 sentinels and a replica that could take over.
  const std::string zones = R"("zones": ["a", "b"],)";
  const std::string kill_a = R"({"at": "5s", "action": "kill", "target": "zone:a"})";

  SECTION("quorum 1: ODOWN, but electing a leader needs a majority of all 3 sentinels") {
    Json d = drill(topology(R"({"kind": "redis", "mode": "sentinel", "replicas": 2,
                                "sentinels": 3, "quorum": 1, "down_after": "5s"})",
                            zones),
                   scenario("30s", kill_a), "--rps 200 --replications 3");
    CHECK(!events(d, "odown").empty());
    CHECK(events(d, "promoted").empty());
    CHECK(events(d, "no failover").find("only 1 of 3 sentinels can vote: a leader needs 2") !=
          std::string::npos);
    // Errors until the end: the next attempt would come 2 x failover-timeout (6 min) later.
    for (double s : outages(d)) CHECK(s >= 24.9);
    CHECK(d["recovery"]["not_recovered"] == 3);
  }
  SECTION("quorum 2: the one sentinel left cannot even reach ODOWN") {
    Json d = drill(topology(std::string(kSentinel) + R"(, "down_after": "5s"})", zones),
                   scenario("30s", kill_a), "--rps 200 --replications 3");
    CHECK(events(d, "odown").empty());
    CHECK(events(d, "promoted").empty());
    CHECK(events(d, "no failover").find("ODOWN needs the quorum of 2") != std::string::npos);
    for (double s : outages(d)) CHECK(s >= 24.9);
  }
}

// Asynchronous replication loses what the master acknowledged within the replication lag before it
// died, assumed one network round trip (10 ms here). At 1,000 rps, half of them writes, that is
// 500/s x 10 ms = 5 writes per drill; the count is Poisson, so its mean over 20 drills has a
// standard deviation of 0.5: [2.5, 10] is 5 standard deviations below and 10 above.
TEST_CASE("redis sentinel: acknowledged writes within the replication lag are lost",
          "[drill-redis]") {
  Json d = drill(topology(std::string(kSentinel) + R"(, "down_after": "5s"})",
                          R"("network": {"rtt": "10ms"},)"),
                 scenario("15s", R"({"at": "5s", "action": "kill", "target": "cache.master"})"),
                 "--rps 1000 --replications 20");
  double lost = d["lost_writes"]["count"].get<double>();
  CHECK(lost >= 2.5);
  CHECK(lost <= 10);
  CHECK(d["lost_writes"]["lag_s"].get<double>() == Approx(0.010));
  CHECK(!events(d, "writes lost").empty());
}

// Redis Cluster: each of the other two masters flags PFAIL node_timeout after its first
// unanswered ping (0-1 s after the fault); FAIL needs both (a majority of 3 masters counts the dead
// one in the size), then 0-1 s of gossip; the replica's election waits 500 ms + 0-500 ms (rank 0).
// So the outage lies in [node_timeout + 0.5, node_timeout + 3] s; [15, 18.1] leaves 0.1 s as for
// Sentinel. The mean is node_timeout + 2/3 (the later of two uniforms) + 0.5 + 0.75 = +1.92 s, with
// a standard deviation of ~0.4 s per drill, 0.09 s over 20.
TEST_CASE("redis cluster with its defaults: ~16-18 s, CLUSTERDOWN everywhere with full coverage",
          "[drill-redis]") {
  const std::string kill = R"({"at": "5s", "action": "kill", "target": "cache.master[1]"})";
  Json full = drill(topology(R"({"kind": "redis", "mode": "cluster", "masters": 3})"),
                    scenario("30s", kill), "--rps 200 --replications 20");
  auto o = outages(full);
  REQUIRE(o.size() == 20);
  for (double s : o) {
    CHECK(s >= 15.0);
    CHECK(s <= 18.1);
  }
  CHECK(mean(o) >= 16.0);
  CHECK(mean(o) <= 18.0);
  CHECK(!events(full, "pfail").empty());
  CHECK(events(full, "fail").find("2 of 3 masters flag it") != std::string::npos);
  CHECK(!events(full, "clusterdown").empty());
  CHECK(events(full, "promoted").find("cache.replica[1]") != std::string::npos);
  CHECK(!events(full, "cluster ok").empty());
  auto e = errors(full);
  CHECK(e["redis cluster: node unreachable"] > 0);
  CHECK(e["CLUSTERDOWN The cluster is down"] > 0);

  // Without full coverage only the dead master's third of the keys fails, and never with
  // CLUSTERDOWN. Same seed, so the same arrivals, keys and protocol timings: the difference is the
  // other masters' keys between FAIL and the promotion, at least the election's fixed 500 ms in
  // every drill: 200 rps x 2/3 x 0.5 s x 20 = 1,333 requests at the least (0.8 of that leaves room
  // for the Poisson noise of the count, whose standard deviation is ~40).
  Json partial = drill(topology(R"({"kind": "redis", "mode": "cluster", "masters": 3,
                         "require_full_coverage": false})"),
                       scenario("30s", kill), "--rps 200 --replications 20");
  auto p = errors(partial);
  CHECK(p.size() == 1);
  CHECK(p.count("redis cluster: node unreachable") == 1);
  CHECK(events(partial, "clusterdown").empty());
  for (double s : outages(partial)) {
    CHECK(s >= 15.0);
    CHECK(s <= 18.1);
  }
  CHECK(total(e) - total(p) >= 0.8 * 200 * 2.0 / 3 * 0.5 * 20);
}

TEST_CASE("redis cluster without replicas: its slots stay uncovered until the master is back",
          "[drill-redis]") {
  // node_timeout 2 s: FAIL 2-4 s after the fault, nobody to promote; back at 10 s, when its FAIL
  // is older than 2 x node_timeout (CLUSTER_FAIL_UNDO_TIME_MULT), so it clears at once.
  Json d = drill(topology(R"({"kind": "redis", "mode": "cluster", "masters": 3, "replicas": 0,
                              "node_timeout": "2s"})"),
                 scenario("20s", R"({"at": "5s", "action": "kill", "target": "cache.master[0]",
                                     "for": "10s"})"),
                 "--rps 200 --replications 3");
  CHECK(events(d, "no failover").find("no replica") != std::string::npos);
  CHECK(errors(d)["CLUSTERDOWN The cluster is down"] > 0);
  for (double s : outages(d)) {
    CHECK(s >= 9.9);
    CHECK(s <= 10.0);
  }
}

TEST_CASE("redis standalone: every command fails until the node is restored", "[drill-redis]") {
  Json d = drill(topology(R"({"kind": "redis"})"),
                 scenario("20s", R"({"at": "5s", "action": "kill", "target": "cache.master",
                                     "for": "8s"})"),
                 "--rps 200 --replications 3");
  auto e = errors(d);
  CHECK(e.size() == 1);
  CHECK(e.count("redis down") == 1);
  for (double s : outages(d)) {
    CHECK(s >= 7.9);
    CHECK(s <= 8.0);
  }
  CHECK(!events(d, "no failover").empty());
}
