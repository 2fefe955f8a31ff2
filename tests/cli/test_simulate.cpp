// `capsim simulate` end to end: the artefacts, the schema of summary.json, determinism, and the
// report naming a saturated tier.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::Run;
using capsim::testing::run_capsim;
using capsim::testing::slurp;
using Json = nlohmann::json;

using capsim::testing::schema_errors;

TEST_CASE("simulate writes the four artefacts and a summary that matches its schema",
          "[simulate]") {
  fs::path out = fs::temp_directory_path() / ("capsim-out-" + std::to_string(::getpid()));
  Run r = run_capsim(
      "simulate topologies/voiceassist.json --rps 50 --duration 2m --warmup 30s "
      "--replications 2 --format json --out '" +
      out.string() + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  Json summary = Json::parse(r.out);
  auto errors =
      schema_errors(summary, fs::path(CAPSIM_SOURCE_DIR) / "topologies/schema/summary.schema.json");
  for (const auto& e : errors) INFO(e);
  CHECK(errors.empty());
  for (const char* f : {"summary.json", "timeseries.csv", "latency.csv", "run.json"})
    CHECK(fs::exists(out / f));
  CHECK(Json::parse(slurp(out / "summary.json")) == summary);
  std::string ts = slurp(out / "timeseries.csv");
  CHECK(ts.rfind("time,component,metric,value\n", 0) == 0);
  CHECK(ts.find(",api,busy_workers,") != std::string::npos);
  Json run = Json::parse(slurp(out / "run.json"));
  CHECK(run["seed"] == 1);
  CHECK(run["inputs"]["topology"]["name"] == "voiceassist");
  fs::remove_all(out);
}

TEST_CASE("a seed gives the same numbers whatever the number of processes", "[simulate]") {
  const std::string base =
      "simulate topologies/voiceassist.json --rps 80 --duration 1m --warmup 10s --replications 3 "
      "--format csv --seed 7";
  Run one = run_capsim(base + " --jobs 1");
  Run two = run_capsim(base + " --jobs 2");
  REQUIRE(one.status == 0);
  CHECK(one.out == two.out);
  Run other = run_capsim(
      "simulate topologies/voiceassist.json --rps 80 --duration 1m --warmup 10s "
      "--replications 3 --format csv --seed 8");
  CHECK(other.out != one.out);
}

TEST_CASE("an overloaded station ends on time, bounded, and the report names it", "[simulate]") {
  // rho = 2: the queue would grow without bound; the run must still end at its duration with the
  // in-flight cap shedding load, and the summary must say the station saturated.
  fs::path topo =
      fs::temp_directory_path() / ("capsim-overload-" + std::to_string(::getpid()) + ".json");
  std::ofstream(topo) << R"({"name": "overload", "components": {
      "front": {"kind": "station", "servers": 64, "service": "1ms"},
      "slow": {"kind": "station", "servers": 1, "service": {"dist": "exp", "mean": "10ms"}}},
    "requests": {"r": {"share": 1, "calls": [{"to": "front"}, {"to": "slow"}]}}})";
  Run r = run_capsim("simulate '" + topo.string() +
                     "' --rps 200 --duration 60m --warmup 1s --replications 1 --format json");
  fs::remove(topo);
  INFO(r.err);
  REQUIRE(r.status == 0);
  Json s = Json::parse(r.out);
  CHECK(s["saturated"][0] == "slow");
  const Json& slow = capsim::testing::named(s["components"], "slow");
  CHECK(slow["utilisation"]["mean"].get<double>() > 0.99);
  CHECK(slow["saturated"] == true);
  CHECK(s["run"]["shed"].get<double>() > 0);
}

TEST_CASE("simulate with --ci adds replications until every class's mean latency is that precise",
          "[simulate]") {
  Run r = run_capsim(
      "simulate topologies/voiceassist.json --rps 50 --duration 1m --warmup 10s "
      "--replications 2 --ci 4% --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  Json s = Json::parse(r.out);
  int replications = s["run"]["replications"];
  CHECK(replications >= 2);
  CHECK(replications <= 50);
  bool precise = true;
  for (const auto& c : s["classes"]) {
    double mean = c["latency_s"]["mean"]["mean"], hw = c["latency_s"]["mean"]["ci95"];
    precise = precise && hw <= 0.04 * mean;
  }
  // Either the target was met, or the cap of 50 replications stopped the run.
  CHECK((precise || replications == 50));
}

TEST_CASE("a bad --ci is refused", "[simulate]") {
  Run r = run_capsim("simulate topologies/voiceassist.json --rps 50 --ci 200%");
  CHECK(r.status == 2);
  CHECK(r.err == "capsim: --ci: \"200%\" is not a precision target (expected e.g. \"2%\")\n");
}

TEST_CASE("simulate --slo: exit 0 when the run meets it, 3 when it misses, with the checks",
          "[simulate][slo]") {
  Run met = run_capsim(
      "simulate topologies/voiceassist.json --rps 50 --duration 1m --warmup 10s --replications 2 "
      "--slo experiments/slo-default.json --format json");
  INFO(met.err);
  REQUIRE(met.status == 0);
  Json s = Json::parse(met.out);
  CHECK(s["slo"]["pass"] == true);
  CHECK(schema_errors(s, fs::path(CAPSIM_SOURCE_DIR) / "topologies/schema/summary.schema.json")
            .empty());
  // A p95 target for every class, its error rate, and every component's utilisation are checked.
  CHECK(s["slo"]["checks"].size() == 3 * 2 + 7);

  // At the curve's last peak the three app replicas saturate (1,139 rps for ~9 cores of CPU).
  Run missed = run_capsim(
      "simulate topologies/voiceassist.json --traffic experiments/voiceassist-growth.json --at "
      "2027-06 "
      "--duration 1m --warmup 10s --replications 2 --slo experiments/slo-default.json");
  CHECK(missed.status == 3);
  CHECK(missed.out.find("SLO experiments/slo-default.json: MISSED") != std::string::npos);
  CHECK(missed.out.find("FAIL api utilisation") != std::string::npos);
}

TEST_CASE("simulate --slo naming a request class the topology lacks is bad input",
          "[simulate][slo]") {
  Run r = run_capsim(
      "simulate topologies/voiceassist.json --rps 50 --slo tests/fixtures/slo-unknown-class.json");
  CHECK(r.status == 2);
  CHECK(
      r.err ==
      "tests/fixtures/slo-unknown-class.json: /classes/profil: unknown request class \"profil\" in "
      "topologies/voiceassist.json (did you mean \"profile\"?)\n");
}
