// The runbook systems (../shared/seeds/000-004) as modelled in topologies/: each is simulated at
// the load its traffic file documents and must be healthy there, and at a load where its runbook
// says a tier must scale that tier must be the one the report names as saturated. Every expected
// figure is derived in a comment from the numbers in the topology's "description" (CPU demand x
// rate / cores, and so on); short runs (1-2 simulated minutes, 2-3 replications) keep the file
// fast, and the tolerances are wide enough for that noise but narrow enough to catch a wrong model.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::named;
using capsim::testing::Run;
using capsim::testing::run_capsim;
using capsim::testing::slurp;
using Json = nlohmann::json;

namespace {

const fs::path kRoot = CAPSIM_SOURCE_DIR;

// A short simulation: 2 simulated minutes after 30 s of warm-up, 3 replications.
const std::string kShort = " --duration 2m --warmup 30s --replications 3 --format json";
// Overloaded runs cost more per simulated second (every request in flight shares the CPUs):
// 1 simulated minute after 20 s, 2 replications.
const std::string kOverload = " --duration 1m --warmup 20s --replications 2 --format json";

// Runs `capsim simulate ARGS` and returns its JSON summary; `status` is the exit status expected
// (0, or 3 when an --slo is missed).
Json simulate(const std::string& args, int status = 0) {
  Run r = run_capsim("simulate " + args);
  INFO("capsim simulate " << args << "\n" << r.err);
  REQUIRE(r.status == status);
  return Json::parse(r.out);
}

double utilisation(const Json& summary, const std::string& component) {
  return named(summary["components"], component)["utilisation"]["mean"].get<double>();
}

int instances(const Json& summary, const std::string& component) {
  return named(summary["components"], component)["instances"].get<int>();
}

bool saturated(const Json& summary, const std::string& component) {
  for (const auto& s : summary["saturated"])
    if (s == component) return true;
  return false;
}

// Healthy: nothing saturated, no request failed, every class's p95 under `p95_s` seconds.
void check_healthy(const Json& summary, double p95_s) {
  INFO(summary["saturated"].dump());
  CHECK(summary["saturated"].empty());
  CHECK(summary["run"]["shed"] == 0);
  for (const auto& c : summary["classes"]) {
    INFO(c["name"].get<std::string>());
    CHECK(c["failed"] == 0);
    CHECK(c["error_rate"]["mean"].get<double>() == 0.0);
    CHECK(c["latency_s"]["p95"]["mean"].get<double>() < p95_s);
  }
}

// A copy of a bundled topology without its autoscale blocks, so that the run keeps the
// configured replica counts (the size the runbook says is too small), in the temp directory.
fs::path fixed_size(const std::string& topology) {
  Json t = Json::parse(slurp(kRoot / topology));
  for (auto& [name, c] : t["components"].items()) c.erase("autoscale");
  fs::path out = fs::temp_directory_path() / ("capsim-fixed-" + std::to_string(::getpid()) + "-" +
                                              fs::path(topology).filename().string());
  std::ofstream(out) << t.dump(2);
  return out;
}

}  // namespace

// ---- 000 VoiceAssist --------------------------------------------------------------------------

TEST_CASE("runbooks: VoiceAssist is healthy at 50 rps", "[runbooks]") {
  SECTION("as shipped, with its va-autoscale step policy") {
    Json s = simulate("topologies/voiceassist.json --rps 50" + kShort);
    // Its k6 threshold, p(95) < 500 ms (experiments/slo-default.json).
    check_healthy(s, 0.5);
  }
  SECTION("at its 3 configured app instances") {
    // App CPU per request: 0.5 x 10 ms (profile) + 1/3 x 20 ms (conversations) + 1/6 x 35 ms
    // (message) = 17.5 ms; 50 rps x 17.5 ms = 0.875 CPU over 3 replicas x 2 vCPUs = 14.6%.
    // (The step policy would remove one below 30% CPU: hence the fixed size here.)
    fs::path topo = fixed_size("topologies/voiceassist.json");
    Json s = simulate("'" + topo.string() + "' --rps 50" + kShort);
    fs::remove(topo);
    check_healthy(s, 0.5);
    CHECK(instances(s, "api") == 3);
    CHECK(utilisation(s, "api") == Approx(0.146).margin(0.02));
  }
}

TEST_CASE("runbooks: VoiceAssist at 570 rps saturates its 3 app instances", "[runbooks]") {
  // 570 rps = 50 x 1.5^6, the growth curve's last month; 570 x 17.5 ms = 9.98 CPUs of demand
  // on 3 x 2 = 6 vCPUs (166%). The runbook's rule of one instance per 50 RPS asks for 12.
  fs::path topo = fixed_size("topologies/voiceassist.json");
  Json s = simulate("'" + topo.string() + "' --rps 570" + kOverload);
  fs::remove(topo);
  INFO(s["saturated"].dump());
  REQUIRE(!s["saturated"].empty());
  CHECK(s["saturated"][0] == "api");
  CHECK(instances(s, "api") == 3);
  CHECK(utilisation(s, "api") > 0.95);
  // The tiers behind it see at most what 6 vCPUs let through: none of them saturates.
  for (const char* other : {"bouncer", "pg", "cache", "vectors", "jobs"})
    CHECK_FALSE(saturated(s, other));
}

// ---- 001 Voice Health Detection System --------------------------------------------------------

TEST_CASE("runbooks: voice-health is healthy at 100 concurrent users and meets its SLO",
          "[runbooks]") {
  Json s = simulate(
      "topologies/voice-health.json --traffic experiments/voice-health-traffic.json "
      "--slo experiments/voice-health-slo.json" +
      kShort);
  // 100 users x 6 requests a minute = 10 rps.
  CHECK(s["load"]["rps"].get<double>() == Approx(10.0));
  check_healthy(s, 2.0);  // "Response time > 2s for 95th percentile" is the scaling trigger
  CHECK(s["slo"]["pass"] == true);
  // Backend CPU per request: 0.02 x 70 (login) + 0.013889 x 20 (predict) + 0.566111 x 6 (result)
  // + 0.4 x 5 (profile) = 7.08 ms; 10 rps x 7.08 ms = 0.071 CPU over 2 x 1 vCPU = 3.5%.
  CHECK(utilisation(s, "backend") == Approx(0.035).margin(0.012));
  // ML: 500 predictions in the hour = 0.139/s x 4 s of CPU = 0.56 CPU over 2 vCPUs = 28%
  // (about 50 predictions per run: +-35% for the noise).
  CHECK(utilisation(s, "ml") == Approx(0.278).margin(0.1));
}

TEST_CASE("runbooks: voice-health at the Medium row (500 users) needs more ML, not more backend",
          "[runbooks]") {
  // 500 users = 50 rps: predictions 0.694/s x 4 s = 2.78 CPUs of ML demand on 2 vCPUs (139%):
  // the resource table's Medium row adds ML replicas (1 -> 3), and the ML tier saturates. The
  // jobs wait in the queue, so the analysis queue's 2 x 5 slots are all busy too.
  fs::path topo = fixed_size("topologies/voice-health.json");
  Json s = simulate("'" + topo.string() +
                    "' --traffic experiments/voice-health-traffic.json --at 2026-03" + kShort);
  fs::remove(topo);
  CHECK(s["load"]["rps"].get<double>() == Approx(50.0));
  INFO(s["saturated"].dump());
  CHECK(saturated(s, "ml"));
  CHECK(saturated(s, "analysis"));
  // The table also doubles the backend (2 -> 4), but its CPU does not ask for it:
  // 50 rps x 7.08 ms = 0.354 CPU over 2 vCPUs = 17.7%.
  CHECK_FALSE(saturated(s, "backend"));
  CHECK(utilisation(s, "backend") == Approx(0.177).margin(0.03));
  // Predictions are asynchronous: the requests themselves stay fast and error-free.
  for (const auto& c : s["classes"]) {
    CHECK(c["failed"] == 0);
    CHECK(c["latency_s"]["p95"]["mean"].get<double>() < 2.0);
  }
}

// ---- 002 Insurance Lead Gen AI Platform -------------------------------------------------------

TEST_CASE("runbooks: insurance-leads meets p95 < 200 ms, p99 < 500 ms, errors < 0.1% at 100 rps",
          "[runbooks]") {
  Json s = simulate(
      "topologies/insurance-leads.json --traffic experiments/insurance-leads-traffic.json "
      "--slo experiments/insurance-leads-slo.json" +
      kShort);
  check_healthy(s, 0.2);
  CHECK(s["slo"]["pass"] == true);
  for (const auto& c : s["classes"]) CHECK(c["latency_s"]["p99"]["mean"].get<double>() < 0.5);
  // API CPU per request: 0.05 x 10 + 0.05 x 8 + 0.35 x 8 + 0.55 x 4 = 5.9 ms;
  // 100 rps x 5.9 ms = 0.59 CPU over 3 x 1 vCPU = 19.7%.
  CHECK(utilisation(s, "api") == Approx(0.197).margin(0.03));
  // The lead-processing queue: 5 jobs/s each holding a slot ~0.835 s (30 ms CPU + 800 ms waiting
  // on the scoring API + a 3 ms write + hops) = 4.2 busy of 2 workers x 5 = 42%.
  CHECK(utilisation(s, "normal") == Approx(0.42).margin(0.06));
}

TEST_CASE("runbooks: insurance-leads at 3x its load backs up the lead-processing queue",
          "[runbooks]") {
  // 300 rps: 15 leads/s x 0.835 s = 12.5 slots busy, more than the 10 of deployWorkers(2): the
  // 'normal' queue saturates, the backlog the runbook's rule (waiting > 1000: deployWorkers(5))
  // scales for. The API is at 300 x 5.9 ms / 3 = 59%, short of saturation.
  fs::path topo = fixed_size("topologies/insurance-leads.json");
  Json s = simulate("'" + topo.string() + "' --rps 300" + kShort);
  fs::remove(topo);
  INFO(s["saturated"].dump());
  CHECK(saturated(s, "normal"));
  CHECK_FALSE(saturated(s, "api"));
  CHECK_FALSE(saturated(s, "critical"));
  CHECK_FALSE(saturated(s, "low"));
  CHECK(utilisation(s, "api") == Approx(0.59).margin(0.06));
  for (const auto& c : s["classes"]) CHECK(c["failed"] == 0);
}

// ---- 003 Save-It.AI ---------------------------------------------------------------------------

TEST_CASE("runbooks: saveit is healthy in the Medium band with the HPA holding 3 replicas",
          "[runbooks]") {
  Json s = simulate(
      "topologies/saveit.json --traffic experiments/saveit-traffic.json "
      "--slo experiments/saveit-slo.json" +
      kShort);
  check_healthy(s, 0.5);
  CHECK(s["slo"]["pass"] == true);
  // 250 API RPS x 7 ms (the resource table's CPU per request at 70%) = 1.75 CPU over 3 x 1 vCPU
  // = 58%; the HPA wants ceil(3 x 0.58 / 0.7) = ceil(2.5) = 3 replicas: it keeps 3.
  CHECK(utilisation(s, "backend") == Approx(0.583).margin(0.04));
  CHECK(instances(s, "backend") == 3);
  // Frontend: 25 pages/s x 10 ms = 0.25 CPU over 2 vCPUs = 12.5%; the HPA would go to
  // ceil(2 x 0.125 / 0.7) = 1, held at its minReplicas 2.
  CHECK(utilisation(s, "frontend") == Approx(0.125).margin(0.03));
  CHECK(instances(s, "frontend") == 2);
}

TEST_CASE("runbooks: saveit's resource table: 5 replicas hold 500 RPS, 3 do not hold 600",
          "[runbooks]") {
  fs::path topo = fixed_size("topologies/saveit.json");
  SECTION("Medium row, its top: 500 API RPS on 5 x 1000m") {
    // --rps 550 = 500 API RPS + 50 page loads; 500 x 7 ms = 3.5 CPU over 5 vCPUs = 70%, the HPA
    // target exactly: busy but not saturated.
    Json t = Json::parse(slurp(topo));
    t["components"]["backend"]["replicas"] = 5;
    std::ofstream(topo) << t.dump(2);
    Json s = simulate("'" + topo.string() + "' --rps 550" + kShort);
    INFO(s["saturated"].dump());
    CHECK(s["saturated"].empty());
    CHECK(utilisation(s, "backend") == Approx(0.70).margin(0.05));
  }
  SECTION("High row: 600 API RPS on the Medium size (3 x 1000m)") {
    // --rps 660 = 600 API RPS: 600 x 7 ms = 4.2 CPUs on 3 vCPUs (140%); the table asks for
    // 2000m and 5-10 replicas there.
    Json s = simulate("'" + topo.string() + "' --rps 660" + kOverload);
    INFO(s["saturated"].dump());
    REQUIRE(!s["saturated"].empty());
    CHECK(s["saturated"][0] == "backend");
    CHECK_FALSE(saturated(s, "frontend"));
    CHECK_FALSE(saturated(s, "pg"));
  }
  SECTION("High row with the HPA: it adds backend replicas") {
    // Steady state ceil(4.2 CPUs / 0.7) = 6 replicas, up to maxReplicas 10.
    Json s = simulate("topologies/saveit.json --rps 660" + kOverload);
    CHECK(instances(s, "backend") >= 6);
    CHECK(instances(s, "backend") <= 10);
  }
  fs::remove(topo);
}

// ---- 004 Cahoots ------------------------------------------------------------------------------

TEST_CASE("runbooks: cahoots is healthy at its assumed peak of 100 rps, both Redis variants",
          "[runbooks]") {
  for (const char* topology : {"topologies/cahoots.json", "topologies/cahoots-sentinel.json"}) {
    INFO(topology);
    Json s = simulate(
        std::string(topology) +
        " --traffic experiments/cahoots-traffic.json --slo experiments/cahoots-slo.json" + kShort);
    // 40 rps mean x peak-to-mean 2.5 = 100 rps.
    CHECK(s["load"]["rps"].get<double>() == Approx(100.0));
    check_healthy(s, 0.5);  // "Response time p95 > 500ms" is the scaling trigger
    CHECK(s["slo"]["pass"] == true);
    // API CPU per request: 0.75 x 12 ms + 0.25 x 18 ms = 13.5 ms; 100 rps x 13.5 ms = 1.35 CPU
    // over 4 x 1 vCPU = 33.75%, just under the HPA's target of 350m (70% of the 500m request),
    // within its 10% tolerance: it does not scale down.
    CHECK(utilisation(s, "api") == Approx(0.3375).margin(0.03));
    CHECK(instances(s, "api") >= 4);
    // Redis commands per request: read = INCR + GET + GET + 0.2 x SET = 3.2, write = INCR + GET
    // + DEL = 3, so 0.75 x 3.2 + 0.25 x 3 = 3.15, i.e. 315 commands/s.
    CHECK(named(s["components"], "cache")["throughput_rps"]["mean"].get<double>() ==
          Approx(315).epsilon(0.05));
  }
}

TEST_CASE("runbooks: cahoots at 400 rps needs more than 4 API replicas", "[runbooks]") {
  // 400 rps x 13.5 ms = 5.4 CPUs of demand on 4 x 1 vCPU (135%); 4 replicas carry at most
  // 4 / 13.5 ms = 296 rps.
  SECTION("at the runbook's 4 replicas the API saturates") {
    fs::path topo = fixed_size("topologies/cahoots.json");
    Json s = simulate("'" + topo.string() + "' --rps 400" + kOverload);
    fs::remove(topo);
    INFO(s["saturated"].dump());
    REQUIRE(!s["saturated"].empty());
    CHECK(s["saturated"][0] == "api");
    CHECK(instances(s, "api") == 4);
    CHECK_FALSE(saturated(s, "cache"));
    CHECK_FALSE(saturated(s, "db"));
  }
  SECTION("the HPA runs into its maxReplicas") {
    // 5.4 CPUs / 0.35 target = 15.4 pods wanted, capped at maxReplicas 10 (reached in two 15 s
    // periods: 4 -> 8 -> 10).
    Json s = simulate("topologies/cahoots.json --rps 400" + kOverload);
    CHECK(instances(s, "api") == 10);
  }
}
