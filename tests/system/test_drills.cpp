// Failover drills through `capsim drill`: PostgreSQL under Patroni and behind PgBouncer, the
// drill's command line and its outputs. The timings come from the documented defaults
// (docs/SEMANTICS.md 2.5, 2.6); each expected range below is the protocol's own jitter, worked out
// next to the check.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;
using capsim::testing::named;
using capsim::testing::run_capsim;
using capsim::testing::schema_errors;
using capsim::testing::slurp;
using capsim::testing::TempFile;

namespace {

// A write-only service on PostgreSQL with one replica; `extra` goes into the postgres object.
std::string database_topology(const std::string& extra, bool bouncer) {
  std::string via = bouncer ? "bouncer" : "db";
  return R"({"name": "pg-drill", "components": {
      "api": {"kind": "app", "replicas": 2, "vcpus": 4, "workers": 32},)" +
         std::string(bouncer ? R"("bouncer": {"kind": "pgbouncer", "server": "db",
                     "pool_mode": "transaction", "max_client_conn": 1000},)"
                             : "") +
         R"("db": {"kind": "postgres", "vcpus": 4, "read_replicas": 1)" + extra + R"(}},
    "requests": {"save": {"share": 1, "idempotent": false, "calls": [{"to": "api", "cpu": "1ms",
      "calls": [{"to": ")" +
         via + R"(", "query": "write", "time": "1ms"}]}]}}})";
}

Json drill(const TempFile& topology, const TempFile& scenario, const std::string& args) {
  auto r = run_capsim("drill '" + topology.path.string() + "' --scenario '" +
                      scenario.path.string() + "' " + args + " --format json");
  INFO(r.err);
  REQUIRE((r.status == 0 || r.status == 3));
  return Json::parse(r.out);
}

std::vector<double> samples(const Json& j) {
  return j.get<std::vector<double>>();
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

const Json* event(const Json& timeline, const std::string& name) {
  for (const auto& e : timeline["events"])
    if (e["event"] == name) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("Patroni with its defaults promotes a replica 21 to 41 s after the primary dies",
          "[drill][patroni]") {
  // ttl 30 s, loop_wait 10 s: the lock was last renewed U(0, 10) s before the fault, so it expires
  // 20-30 s after it; the replica's own HA loop (another U(0, 10) s phase) notices at the next
  // tick, then promotes in 1 s: writes fail for 21-41 s, 31 s on average. With 20 replications
  // the sum of two U(0, 10) has sd 4.08 s, so the mean's standard error is 0.91 s: 31 +- 2.8 s is
  // three standard errors.
  TempFile topology("patroni.json", database_topology("", false));
  TempFile scenario("kill-primary.json",
                    R"({"name": "kill-primary", "duration": "2m",
                        "actions": [{"at": "20s", "action": "kill", "target": "db.primary"}]})");
  Json t = drill(topology, scenario, "--rps 200 --replications 20 --warmup 5s");
  CHECK(schema_errors(t, fs::path(CAPSIM_SOURCE_DIR) / "topologies/schema/timeline.schema.json")
            .empty());
  auto outage = samples(t["errors_until"]["samples_s"]);
  REQUIRE(outage.size() == 20);
  for (double s : outage) {
    CHECK(s >= 20.9);
    CHECK(s <= 41.05);
  }
  CHECK(mean(outage) == Approx(31).margin(2.8));
  // Replication 1's timeline: detection (lock expiry), the election, the promotion, in order.
  const Json* detected = event(t, "detected");
  const Json* elected = event(t, "elected");
  const Json* promoted = event(t, "promoted");
  REQUIRE(detected);
  REQUIRE(elected);
  REQUIRE(promoted);
  double fault = t["fault_at_s"].get<double>();
  CHECK(fault == 20);
  CHECK(detected->at("time_s").get<double>() - fault >= 20);
  CHECK(detected->at("time_s").get<double>() - fault <= 30);
  CHECK(elected->at("time_s").get<double>() - detected->at("time_s").get<double>() <= 10);
  CHECK(promoted->at("time_s").get<double>() - elected->at("time_s").get<double>() == Approx(1.0));
  // Every failure during the outage is the database being down; none before the fault.
  const Json& during = named(t["phases"][1]["classes"], "save");
  CHECK(during["errors"].contains("database down"));
  CHECK(named(t["phases"][0]["classes"], "save")["error_rate"].get<double>() < 0.001);
  // "After" starts with the first window that meets the SLO (errors under 1%), which may hold the
  // last failure or two.
  CHECK(named(t["phases"][2]["classes"], "save")["error_rate"].get<double>() < 0.001);
  // Asynchronous replication loses what was acknowledged within the lag (exponential, mean
  // 0.1 s): about 200 x 0.1 = 20 writes per drill, well above 2 and below 200 (a 1 s lag).
  CHECK(t["lost_writes"]["count"].get<double>() > 2);
  CHECK(t["lost_writes"]["count"].get<double>() < 200);
}

TEST_CASE("behind PgBouncer, clients reconnect at the first server_login_retry after promotion",
          "[drill][pgbouncer]") {
  // The first failed login is at the fault; PgBouncer retries every 15 s from there, so clients
  // get the new primary at 30 s (promotion at 21-30 s) or 45 s (31-41 s): the documented ~30-45 s.
  TempFile topology("patroni-bouncer.json", database_topology("", true));
  TempFile scenario("kill-primary-b.json",
                    R"({"name": "kill-primary", "duration": "2m",
                        "actions": [{"at": "20s", "action": "kill", "target": "db.primary"}]})");
  Json t = drill(topology, scenario, "--rps 200 --replications 8 --warmup 5s");
  for (double s : samples(t["errors_until"]["samples_s"])) {
    bool at_a_retry = std::abs(s - 30) < 0.05 || std::abs(s - 45) < 0.05;
    CHECK(at_a_retry);
  }
  const Json* promoted = event(t, "promoted");
  const Json* reconnected = event(t, "clients reconnected");
  REQUIRE(promoted);
  REQUIRE(reconnected);
  CHECK(reconnected->at("time_s").get<double>() >= promoted->at("time_s").get<double>());
  CHECK(named(t["phases"][1]["classes"], "save")["errors"].contains(
      "pgbouncer: server login failed, waiting for server_login_retry"));
}

TEST_CASE("without a failover manager the primary stays down until it is restored",
          "[drill][patroni]") {
  TempFile topology("manual.json",
                    database_topology(R"(, "failover": {"manager": "manual"})", false));
  TempFile scenario("kill-restore.json",
                    R"({"name": "kill-then-restore", "duration": "2m",
                        "actions": [{"at": "20s", "action": "kill", "target": "db.primary", "for": "40s"}]})");
  Json t = drill(topology, scenario, "--rps 200 --replications 2 --warmup 5s");
  CHECK(event(t, "no failover"));
  CHECK_FALSE(event(t, "promoted"));
  // Errors until the restore at 60 s, and the SLO holds again within one window after it.
  for (double s : samples(t["errors_until"]["samples_s"])) CHECK(s == Approx(40).margin(0.05));
  for (double s : samples(t["recovery"]["samples_s"])) {
    CHECK(s >= 40);
    CHECK(s <= 40 + t["window_s"].get<double>());
  }

  // Killed for good: never recovered, and the verdict says so.
  TempFile forever("kill-forever.json",
                   R"({"name": "kill-forever", "duration": "2m",
                       "actions": [{"at": "20s", "action": "kill", "target": "db.primary"}]})");
  Json f = drill(topology, forever, "--rps 200 --replications 2 --warmup 5s");
  CHECK(f["recovered_at_s"].is_null());
  CHECK(f["recovery"]["not_recovered"] == 2);
  CHECK_FALSE(f["verdict"]["pass"].get<bool>());
}

TEST_CASE("synchronous replication: writes block while the only standby is down, none are lost",
          "[drill][patroni]") {
  // The standby is down for 10 s: commits wait for it ("the response may never occur if the last,
  // or only, standby should crash"), then all complete; gunicorn's 30 s timeout is not reached.
  TempFile topology("sync.json", database_topology(R"(, "replication": "sync")", false));
  TempFile scenario("kill-standby.json",
                    R"({"name": "kill-standby", "duration": "1m",
                        "actions": [{"at": "20s", "action": "kill", "target": "db.replica", "for": "10s"}]})");
  Json t = drill(topology, scenario, "--rps 100 --replications 2 --warmup 5s");
  const Json& during = named(t["phases"][1]["classes"], "save");
  CHECK(during["error_rate"].get<double>() == 0);
  // The first write to block waits the whole 10 s.
  CHECK(during["p99_s"].get<double>() > 9.5);
  CHECK(t["lost_writes"]["count"].get<double>() == 0);
}

TEST_CASE("the drill writes its run directory, markdown and timeline, and simulate --scenario too",
          "[drill][cli]") {
  fs::path out = fs::temp_directory_path() / ("capsim-drill-" + std::to_string(::getpid()));
  fs::remove_all(out);
  auto r = run_capsim(
      "drill topologies/voiceassist.json --scenario experiments/voiceassist-pg-primary-loss.json "
      "--rps 200 --replications 2 --duration 4m --out '" +
      out.string() + "'");
  INFO(r.err);
  REQUIRE((r.status == 0 || r.status == 3));
  CHECK(r.out.find("Timeline") != std::string::npos);
  CHECK(r.out.find("promoted") != std::string::npos);
  CHECK(r.out.find("Failover allowance:") != std::string::npos);
  for (const char* f :
       {"summary.json", "timeseries.csv", "latency.csv", "run.json", "timeline.json", "drill.md"})
    CHECK(fs::exists(out / f));
  Json run = Json::parse(slurp(out / "run.json"));
  CHECK(run["command"] == "drill");
  CHECK(run["inputs"].contains("scenario"));
  Json timeline = Json::parse(slurp(out / "timeline.json"));
  CHECK(schema_errors(timeline,
                      fs::path(CAPSIM_SOURCE_DIR) / "topologies/schema/timeline.schema.json")
            .empty());
  // A drill's time series is per second.
  std::string ts = slurp(out / "timeseries.csv");
  CHECK(ts.find("\n1,") != std::string::npos);
  CHECK(ts.find("\n2,") != std::string::npos);
  fs::remove_all(out);

  // simulate plays the same scenario and prints the usual summary, then the drill.
  auto s = run_capsim(
      "simulate topologies/voiceassist.json --scenario "
      "experiments/voiceassist-pg-primary-loss.json "
      "--rps 200 --replications 1 --duration 4m");
  CHECK(s.out.find("Drill: voiceassist-pg-primary-loss") != std::string::npos);
  CHECK(s.out.find("Failover allowance:") != std::string::npos);
}

TEST_CASE("drill input errors name the file, the path and what was expected", "[drill][cli]") {
  auto none = run_capsim("drill topologies/voiceassist.json --rps 100");
  CHECK(none.status == 2);
  CHECK(none.err.find("--scenario is required") != std::string::npos);

  TempFile bad("bad-target.json", R"({"name": "x", "actions": [
      {"at": "1m", "action": "kill", "target": "pg.primery"}]})");
  auto r = run_capsim("drill topologies/voiceassist.json --rps 100 --scenario '" +
                      bad.path.string() + "'");
  CHECK(r.status == 2);
  CHECK(r.err.find("/actions/0/target") != std::string::npos);
  CHECK(r.err.find("did you mean \"primary\"") != std::string::npos);

  TempFile early("early.json", R"({"name": "x", "actions": [
      {"at": "5m", "action": "kill", "target": "pg.primary"}]})");
  auto e = run_capsim("drill topologies/voiceassist.json --rps 100 --duration 1m --scenario '" +
                      early.path.string() + "'");
  CHECK(e.status == 2);
  CHECK(e.err.find("ends before its first action") != std::string::npos);
}
