// The five input formats: every bundled example reads cleanly and validates against its JSON
// Schema; the traffic arithmetic; and each reader's messages, word for word.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "config/load.hpp"
#include "core/units.hpp"
#include "models/registry.hpp"
#include "tests/support/support.hpp"

namespace core = capsim::core;
namespace fs = std::filesystem;
using namespace capsim::config;

namespace {

const fs::path kRoot = CAPSIM_SOURCE_DIR;
const fs::path kSchemas = kRoot / "topologies" / "schema";

Json parse_file(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in.good());
  return Json::parse(in);
}

std::string schema_file(FileKind k) {
  return std::string(to_string(k)) + ".schema.json";
}

// Every problem as the user sees it: "file: /pointer: message".
std::vector<std::string> lines(const core::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& p : d.problems()) out.push_back(p.to_string());
  return out;
}

std::vector<std::string> read_as(FileKind kind, const Json& j, const std::string& file) {
  ReadContext ctx{file, {}};
  switch (kind) {
    case FileKind::Topology:
      read_topology(j, capsim::models::syntax(), ctx);
      break;
    case FileKind::Traffic:
      read_traffic(j, ctx);
      break;
    case FileKind::Scenario:
      read_scenario(j, capsim::models::syntax(), ctx);
      break;
    case FileKind::Catalog:
      read_catalog(j, ctx);
      break;
    case FileKind::Slo:
      read_slo(j, ctx);
      break;
    default:
      ctx.problem("", "unknown kind of file");
      break;
  }
  return lines(ctx.diagnostics);
}

std::vector<std::string> read_text(FileKind kind, const std::string& text) {
  return read_as(kind, Json::parse(text), "t.json");
}

// Schema violations of `doc`, one line each ("" when valid).
std::vector<std::string> schema_errors(const Json& doc, FileKind kind) {
  return capsim::testing::schema_errors(doc, parse_file(kSchemas / schema_file(kind)));
}

std::vector<fs::path> example_files() {
  std::vector<fs::path> files;
  for (const char* dir : {"topologies", "experiments"}) {
    if (!fs::is_directory(kRoot / dir)) continue;
    for (const auto& e : fs::directory_iterator(kRoot / dir))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Walks a schema: every object schema with "properties" forbids other keys, and every property
// says what it is ("if" and "not" subschemas only test values, so they are skipped).
void check_schema_node(const Json& node, const std::string& where,
                       std::vector<std::string>& faults) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      check_schema_node(node[i], where + "/" + std::to_string(i), faults);
    return;
  }
  if (!node.is_object()) return;
  if (node.contains("properties")) {
    if (!node.contains("additionalProperties") || node["additionalProperties"] != false)
      faults.push_back(where + ": properties without \"additionalProperties\": false");
    for (const auto& [key, prop] : node["properties"].items())
      if (!prop.is_object() || !prop.contains("description"))
        faults.push_back(where + "/properties/" + key + ": no description");
  }
  for (const auto& [key, child] : node.items()) {
    if (key == "if" || key == "not" || key == "enum" || key == "const") continue;
    check_schema_node(child, where + "/" + key, faults);
  }
}

Traffic traffic_of(const std::string& text) {
  ReadContext ctx{"t.json", {}};
  Traffic t = read_traffic(Json::parse(text), ctx);
  INFO(Catch::Detail::stringify(lines(ctx.diagnostics)));
  REQUIRE(ctx.diagnostics.ok());
  return t;
}

int month(const char* m) {
  return *core::parse_month(m);
}

using Lines = std::vector<std::string>;

}  // namespace

// ---- (a) bundled files ------------------------------------------------------------------------

TEST_CASE("every schema is draft-07, closed and documented", "[formats][schema]") {
  for (FileKind k : {FileKind::Topology, FileKind::Traffic, FileKind::Scenario, FileKind::Catalog,
                     FileKind::Slo}) {
    SECTION(schema_file(k)) {
      Json s = parse_file(kSchemas / schema_file(k));
      CHECK(s.value("$schema", "") == "http://json-schema.org/draft-07/schema#");
      std::vector<std::string> faults;
      check_schema_node(s, "", faults);
      CHECK(faults == Lines{});
      CHECK(schema_errors(Json{{"no_such_key", 1}}, k) != Lines{});  // parses, and is closed
    }
  }
}

TEST_CASE("every bundled input reads cleanly and validates against its schema", "[formats]") {
  auto files = example_files();
  REQUIRE(files.size() >= 5);
  for (const auto& path : files) {
    SECTION(path.lexically_relative(kRoot).string()) {
      Json j = parse_file(path);
      FileKind kind = detect_kind(j);
      REQUIRE(kind != FileKind::Unknown);
      CHECK(read_as(kind, j, path.string()) == Lines{});
      CHECK(schema_errors(j, kind) == Lines{});
    }
  }
}

TEST_CASE("the VoiceAssist inputs agree with each other", "[formats]") {
  Catalog catalog = load_catalog((kRoot / "experiments/catalog-aws-us-east-1.json").string());
  Topology t =
      capsim::models::load_topology((kRoot / "topologies/voiceassist.json").string(), &catalog);
  CHECK(t.find("api")->vcpus == 2);
  CHECK(t.find("pg")->vcpus == 4);

  ReadContext ctx{"voiceassist-pg-primary-loss.json", {}};
  Scenario s = capsim::models::load_scenario(
      (kRoot / "experiments/voiceassist-pg-primary-loss.json").string());
  check_scenario_against(s, t, capsim::models::syntax(), ctx);
  CHECK(lines(ctx.diagnostics) == Lines{});
  REQUIRE(s.actions.size() == 1);
  CHECK(s.actions[0].at == 120);
  CHECK(s.actions[0].component == "pg");
  CHECK(s.actions[0].role == "primary");

  Slo slo = load_slo((kRoot / "experiments/slo-default.json").string());
  check_slo_against(slo, t, ctx);
  CHECK(lines(ctx.diagnostics) == Lines{});
  CHECK(slo.headroom == 0.7);
  CHECK(slo.max_error_rate == Approx(0.01));
  CHECK(*slo.all.p95 == Approx(0.5));

  Traffic growth = load_traffic((kRoot / "experiments/voiceassist-growth.json").string());
  CHECK(growth.periods().size() == 7);
  CHECK(growth.mean_rps(growth.periods().back()) == Approx(50 * std::pow(1.5, 6)));  // 569.5
}

TEST_CASE("valid and invalid documents: the schema agrees with the reader", "[formats][schema]") {
  struct Doc {
    FileKind kind;
    const char* text;
  };
  const std::vector<Doc> valid = {
      {FileKind::Traffic, R"({"name": "t", "start": "2026-12", "base": {"rps": 50}})"},
      {FileKind::Traffic,
       R"({"name": "t", "start": "2026-12", "months": 3,
           "base": {"users": 10000, "requests_per_user": 30, "per": "1h"},
           "growth": {"type": "points", "points": {"2027-02": 100}},
           "daily": {"hourly": [1,1,1,1,1,1,2,3,4,4,4,4,4,4,4,4,4,3,3,2,2,1,1,1]},
           "weekly": [1, 1, 1, 1, 1, 0.5, 0.5],
           "events": [{"name": "launch", "month": "2027-01", "factor": 3, "duration": "2h"}],
           "arrival": {"process": "mmpp", "burst_factor": 3, "mean_burst": "10s",
                       "mean_calm": "60s"}})"},
      {FileKind::Scenario,
       R"({"name": "s", "actions": [{"at": "0s", "action": "slow", "target": "api[2]",
           "factor": 3, "for": "5m"}, {"at": "1m", "action": "traffic", "factor": 2},
           {"at": "2m", "action": "partition", "target": "zone:a"},
           {"at": "3m", "action": "heal", "target": "zone:a"}]})"},
      {FileKind::Catalog,
       R"({"provider": "aws", "region": "us-east-1", "source": "x", "date": "2024-02-29",
           "instances": {"c6i.large": {"family": "compute", "vcpus": 2, "memory": "4GiB",
                                       "hourly": 0.085}}})"},
      {FileKind::Slo,
       R"({"classes": {"read": {"p95": "200ms", "p99": "500ms"}}, "error_rate": "0.1%",
           "headroom": "70%", "failover": {"max_lost_writes": 0}})"},
      {FileKind::Topology,
       R"({"name": "t", "components": {"s": {"kind": "station", "servers": 2,
           "service": {"dist": "empirical", "p50": "3ms", "p99": "20ms", "max": "50ms"}}},
           "requests": {"r": {"share": 1, "calls": [{"to": "s", "time": "1ms"}]}}})"},
  };
  for (const auto& d : valid) {
    Json j = Json::parse(d.text);
    INFO(d.text);
    CHECK(read_as(d.kind, j, "t.json") == Lines{});
    CHECK(schema_errors(j, d.kind) == Lines{});
  }
  const std::vector<Doc> invalid = {
      {FileKind::Traffic, R"({"name": "t", "start": "2026-12", "base": {"rps": 50}, "x": 1})"},
      {FileKind::Traffic, R"({"name": "t", "start": "2026-13", "base": {"rps": 50}})"},
      {FileKind::Traffic, R"({"name": "t", "start": "2026-12", "base": {"rps": 0}})"},
      {FileKind::Traffic,
       R"({"name": "t", "start": "2026-12", "base": {"rps": 5}, "daily": {"hourly": [1, 2]}})"},
      {FileKind::Traffic,
       R"({"name": "t", "start": "2026-12", "base": {"rps": 5}, "arrival": {"process": "poisson",
           "burst_factor": 2}})"},
      {FileKind::Scenario, R"({"name": "s", "actions": [{"at": "1m", "action": "kill"}]})"},
      {FileKind::Scenario,
       R"({"name": "s", "actions": [{"at": "1m", "action": "kill", "target": "pg..primary"}]})"},
      {FileKind::Scenario,
       R"({"name": "s", "actions": [{"at": "1m", "action": "traffic", "target": "api"}]})"},
      {FileKind::Scenario,
       R"({"name": "s", "actions": [{"at": "1m", "action": "kill", "target": "a", "factor": 2}]})"},
      {FileKind::Scenario,
       R"({"name": "s", "actions": [{"at": "1m", "action": "restore", "target": "a",
           "for": "1m"}]})"},
      {FileKind::Catalog,
       R"({"provider": "aws", "region": "r", "source": "x", "date": "2024-01-01",
           "instances": {"a": {"family": "compute", "vcpus": 0, "memory": "4GiB",
                               "hourly": 1}}})"},
      {FileKind::Catalog,
       R"({"provider": "aws", "region": "r", "source": "x", "date": "2024-01-01",
           "currency": "usd", "instances": {"a": {"family": "compute", "vcpus": 1,
                               "memory": "4GiB", "hourly": 1}}})"},
      {FileKind::Slo, R"({"headroom": 0})"},
      {FileKind::Slo, R"({"latency": {}})"},
      {FileKind::Slo, R"({"error_rate": "150%"})"},
      {FileKind::Topology,
       R"({"name": "t", "components": {"s": {"kind": "station", "service": "0ms"}},
           "requests": {"r": {"share": 1, "calls": [{"to": "s", "time": "1ms"}]}}})"},
      {FileKind::Topology,
       R"({"name": "t", "components": {"s": {"kind": "station", "service": "1ms"}},
           "requests": {"r": {"share": 1, "calls": [{"to": "s", "cpu": "1ms",
                                                     "time": "1ms"}]}}})"},
      {FileKind::Topology,
       R"({"name": "t", "components": {"s": {"kind": "station", "service": "1ms",
           "upstream": "x"}},
           "requests": {"r": {"share": 1, "calls": [{"to": "s", "time": "1ms"}]}}})"},
      {FileKind::Topology,
       R"({"name": "t", "components": {"q": {"kind": "worker_queue", "broker": "c",
           "backoff": "exponential"}, "c": {"kind": "redis"}},
           "requests": {"r": {"share": 1, "calls": [{"to": "c", "op": "get"}]}}})"},
  };
  for (const auto& d : invalid) {
    Json j = Json::parse(d.text);
    INFO(d.text);
    CHECK(read_as(d.kind, j, "t.json") != Lines{});
    CHECK(schema_errors(j, d.kind) != Lines{});
  }
}

// ---- (b) traffic arithmetic ---------------------------------------------------------------------

TEST_CASE("traffic: compound growth, peak and periods", "[formats][traffic]") {
  Traffic t = traffic_of(R"({"name": "t", "start": "2026-12", "months": 6, "base": {"rps": 50},
      "growth": {"type": "compound", "monthly_factor": 1.5}, "daily": {"peak_to_mean": 2.0}})");
  int start = month("2026-12");
  CHECK(t.start_month == start);
  CHECK(t.mean_rps(start) == Approx(50));
  CHECK(t.mean_rps(start + 3) == Approx(50 * 1.5 * 1.5 * 1.5));  // 168.75
  CHECK(t.mean_rps(month("2027-06")) == Approx(50 * std::pow(1.5, 6)));
  CHECK(t.peak_rps(start + 3) == Approx(2 * 168.75));
  std::vector<int> periods = t.periods();
  REQUIRE(periods.size() == 7);  // start .. start + months
  CHECK(periods.front() == start);
  CHECK(periods.back() == month("2027-06"));
  CHECK(t.arrival.process == "poisson");
}

TEST_CASE("traffic: a peak-to-mean ratio becomes a smooth profile with that exact max/mean",
          "[formats][traffic]") {
  for (double k : {1.0, 1.3, 2.0, 3.0, 8.0, 20.0}) {
    Traffic t = traffic_of(R"({"name": "t", "start": "2026-12", "base": {"rps": 10},
        "daily": {"peak_to_mean": )" +
                           std::to_string(k) + "}}");
    double sum = std::accumulate(t.hourly.begin(), t.hourly.end(), 0.0);
    double max = *std::max_element(t.hourly.begin(), t.hourly.end());
    INFO("peak_to_mean " << k);
    CHECK(sum / 24 == Approx(1.0).epsilon(1e-12));
    CHECK(max == Approx(k).epsilon(1e-12));
    CHECK(t.hourly[14] == max);  // peaks at 14:00
    for (int h = 0; h < 24; ++h) CHECK(t.hourly[h] > 0);
    // smooth: rises to the peak and falls after it
    for (int h = 3; h < 14; ++h) CHECK(t.hourly[h] >= t.hourly[h - 1]);
    for (int h = 15; h < 24; ++h) CHECK(t.hourly[h] <= t.hourly[h - 1]);
    CHECK(t.peak_rps(t.start_month) == Approx(10 * k));
  }
}

TEST_CASE("traffic: hourly and weekly factors are normalised to mean 1", "[formats][traffic]") {
  Traffic t = traffic_of(R"({"name": "t", "start": "2026-12", "base": {"rps": 100},
      "daily": {"hourly": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,4]},
      "weekly": [2, 2, 2, 2, 2, 1, 1]})");
  CHECK(std::accumulate(t.hourly.begin(), t.hourly.end(), 0.0) == Approx(24));
  CHECK(t.hourly[23] == Approx(4 * 24.0 / 27));
  CHECK(std::accumulate(t.weekly.begin(), t.weekly.end(), 0.0) == Approx(7));
  CHECK(t.weekly[0] == Approx(2 * 7.0 / 12));
  CHECK(t.peak_rps(t.start_month) == Approx(100 * (96.0 / 27) * (14.0 / 12)));

  Traffic flat = traffic_of(R"({"name": "t", "start": "2026-12", "base": {"rps": 100}})");
  CHECK(flat.peak_rps(flat.start_month) == Approx(100));
  CHECK(flat.mean_rps(flat.start_month + 5) == Approx(100));
  CHECK(flat.periods().size() == 13);  // default horizon: 12 months
}

TEST_CASE("traffic: events raise the peak of their month only", "[formats][traffic]") {
  Traffic t = traffic_of(R"({"name": "t", "start": "2026-12", "months": 6, "base": {"rps": 40},
      "daily": {"peak_to_mean": 1.5},
      "events": [{"name": "campaign", "month": "2027-03", "factor": 3, "duration": "2h"},
                 {"name": "mailing", "month": "2027-03", "factor": 1.5, "duration": "1h"},
                 {"name": "outage notice", "month": "2027-04", "factor": 0.5, "duration": "1d"}]})");
  int march = month("2027-03");
  REQUIRE(t.events.size() == 3);
  CHECK(t.events[0].duration == 7200);
  CHECK(t.peak_rps(march, false) == Approx(60));
  CHECK(t.peak_rps(march, true) == Approx(180));     // the largest event of the month
  CHECK(t.peak_rps(march + 1, true) == Approx(60));  // an event below 1 does not lower the peak
  CHECK(t.peak_rps(march - 1, true) == Approx(60));
  CHECK(t.mean_rps(march) == Approx(40));  // events change peaks, not means
}

TEST_CASE("traffic: linear growth, points interpolation and users x requests",
          "[formats][traffic]") {
  Traffic linear = traffic_of(R"({"name": "t", "start": "2026-12", "base": {"rps": 100},
      "growth": {"type": "linear", "monthly_rps": 20}})");
  CHECK(linear.mean_rps(linear.start_month + 3) == Approx(160));

  // Linear in months between (start, base) and the points; the last point's rate holds after it.
  Traffic points = traffic_of(R"({"name": "t", "start": "2026-12", "months": 10,
      "base": {"rps": 50}, "growth": {"type": "points",
      "points": {"2027-06": 300, "2027-02": 100}}})");
  CHECK(points.mean_rps(month("2026-11")) == Approx(50));
  CHECK(points.mean_rps(month("2026-12")) == Approx(50));
  CHECK(points.mean_rps(month("2027-01")) == Approx(75));
  CHECK(points.mean_rps(month("2027-02")) == Approx(100));
  CHECK(points.mean_rps(month("2027-04")) == Approx(200));
  CHECK(points.mean_rps(month("2027-06")) == Approx(300));
  CHECK(points.mean_rps(month("2027-09")) == Approx(300));

  Traffic users = traffic_of(R"({"name": "t", "start": "2026-12",
      "base": {"users": 10000, "requests_per_user": 30, "per": "1h"}})");
  CHECK(users.base_rps == Approx(10000 * 30 / 3600.0));

  Traffic bursty = traffic_of(R"({"name": "t", "start": "2026-12", "base": {"rps": 1},
      "arrival": {"process": "mmpp", "burst_factor": 4, "mean_burst": "10s", "mean_calm": "1m"}})");
  CHECK(bursty.arrival.process == "mmpp");
  CHECK(bursty.arrival.burst_factor == 4);
  CHECK(bursty.arrival.mean_calm == 60);
}

// ---- (c) messages, word for word ----------------------------------------------------------------

TEST_CASE("traffic reader messages", "[formats][traffic][messages]") {
  auto t = [](const std::string& text) { return read_text(FileKind::Traffic, text); };
  CHECK(
      t(R"({"name": "t", "start": "2026-12", "base": {"rps": "50"}})") ==
      Lines{"t.json: /base/rps: is a string (expected a number greater than 0 and at most 1e+09)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "grwoth": {"type": "compound", "monthly_factor": 1.5}})") ==
        Lines{"t.json: /grwoth: unknown key \"grwoth\" (did you mean \"growth\"?)"});
  CHECK(t(R"({"name": "t", "base": {"rps": 5}})") ==
        Lines{"t.json: /: missing required key \"start\" (expected a month such as \"2026-12\")"});
  CHECK(t(R"({"name": "t", "start": "Dec 2026", "base": {"rps": 5}})") ==
        Lines{"t.json: /start: \"Dec 2026\" is not a month (expected \"YYYY-MM\", e.g. "
              "\"2026-12\")"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "months": 0, "base": {"rps": 5}})") ==
        Lines{"t.json: /months: 0 is out of range (expected an integer from 1 to 120)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5, "users": 3}})") ==
        Lines{"t.json: /base: has both \"rps\" and \"users\" (expected either {\"rps\"} or "
              "{\"users\", \"requests_per_user\", \"per\"})"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"users": 3, "per": "1d"}})") ==
        Lines{"t.json: /base: missing required key \"requests_per_user\" (expected a number "
              "greater than 0 and at most 1e+09)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "growth": {"type": "compund", "monthly_factor": 1.5}})") ==
        Lines{"t.json: /growth/type: \"compund\" is not allowed (did you mean \"compound\"?; "
              "expected one of \"none\", \"compound\", \"linear\", \"points\")"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "growth": {"type": "compound", "monthly_factor": 0}})") ==
        Lines{"t.json: /growth/monthly_factor: 0 is out of range (expected a number greater than "
              "0 and at most 100)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "months": 6, "base": {"rps": 50},
             "growth": {"type": "linear", "monthly_rps": -20}})") ==
        Lines{"t.json: /growth/monthly_rps: -20 takes the mean rate to 0 or below by 2027-03 "
              "(expected a rate above 0 over the whole horizon)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "growth": {"type": "points", "points": {"2026-10": 3, "2027-01": -1}}})") ==
        Lines{"t.json: /growth/points/2026-10: \"2026-10\" is not after start \"2026-12\" "
              "(expected months after start; \"base\" gives the start month's rate)",
              "t.json: /growth/points/2027-01: -1 is out of range (expected a number greater "
              "than 0 and at most 1e+09)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "daily": {"peak_to_mean": 0.5}})") ==
        Lines{"t.json: /daily/peak_to_mean: 0.5 is out of range (expected a number from 1 to 20)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "daily": {"peak_to_mean": 2, "hourly": []}})") ==
        Lines{"t.json: /daily: has both \"peak_to_mean\" and \"hourly\" (expected one of them)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "daily": {"hourly": [1, 1, 1]}})") ==
        Lines{"t.json: /daily/hourly: has 3 factors (expected an array of 24 hourly factors "
              "from 00:00)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "weekly": [1, 1, -1, 1, 1, "x", 1]})") ==
        Lines{"t.json: /weekly/2: -1 is out of range (expected a factor greater than 0 and at "
              "most 1e+06)",
              "t.json: /weekly/5: is a string (expected a factor greater than 0)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "months": 2, "base": {"rps": 5},
             "events": [{"name": "x", "month": "2027-06", "factor": 2, "duration": "1h"},
                        {"month": "2027-01", "factor": 2, "duration": "1h"}]})") ==
        Lines{"t.json: /events/0/month: \"2027-06\" is outside the horizon 2026-12 to 2027-02 "
              "(expected a month within it)",
              "t.json: /events/1: missing required key \"name\" (expected a string)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "arrival": {"process": "poisson", "burst_factor": 2}})") ==
        Lines{"t.json: /arrival/burst_factor: is only used with \"process\": \"mmpp\" (expected "
              "no MMPP setting for a Poisson process)"});
  CHECK(t(R"({"name": "t", "start": "2026-12", "base": {"rps": 5},
             "arrival": {"process": "mmpp", "burst_factor": 2, "mean_burst": "10s"}})") ==
        Lines{"t.json: /arrival: missing required key \"mean_calm\" (expected a duration such "
              "as \"30s\")"});
}

TEST_CASE("scenario reader messages", "[formats][scenario][messages]") {
  auto s = [](const std::string& text) { return read_text(FileKind::Scenario, text); };
  CHECK(s(R"({"name": "s", "actions": [{"at": "1m", "action": "kill"}]})") ==
        Lines{"t.json: /actions/0: missing required key \"target\" (expected an instance, role "
              "or zone: \"name\", \"name[i]\", \"name.role\", \"name.role[i]\" or "
              "\"zone:NAME\")"});
  CHECK(s(R"({"name": "s", "actions": [{"at": 60, "acton": "kill", "target": "pg.primary"}]})") ==
        Lines{"t.json: /actions/0/at: is an integer (expected a duration such as \"30s\")",
              "t.json: /actions/0: missing required key \"action\" (expected one of \"kill\", "
              "\"restore\", \"slow\", \"partition\", \"heal\", \"traffic\")",
              "t.json: /actions/0/acton: unknown key \"acton\" (did you mean \"action\"?)"});
  CHECK(s(R"({"name": "s", "actions": [{"at": "1m", "action": "explode", "target": "a"}]})") ==
        Lines{"t.json: /actions/0/action: \"explode\" is not allowed (expected one of \"kill\", "
              "\"restore\", \"slow\", \"partition\", \"heal\", \"traffic\")"});
  CHECK(s(R"({"name": "s", "actions": [
             {"at": "2m", "action": "kill", "target": "api[0]"},
             {"at": "60s", "action": "restore", "target": "api[0]"}]})") ==
        Lines{"t.json: /actions/1/at: \"60s\" comes before the previous action's \"2m\" "
              "(expected actions sorted by \"at\")"});
  CHECK(s(R"({"name": "s", "duration": "5m",
             "actions": [{"at": "5m", "action": "kill", "target": "api"}]})") ==
        Lines{"t.json: /actions/0/at: \"5m\" is not before the end of the drill at \"5m\" "
              "(expected \"at\" within \"duration\")"});
  CHECK(s(R"({"name": "s", "actions": [{"at": "1m", "action": "slow", "target": "pg.primary"},
             {"at": "2m", "action": "kill", "target": "api", "factor": 2},
             {"at": "3m", "action": "traffic", "factor": 0}]})") ==
        Lines{"t.json: /actions/0: missing required key \"factor\" (expected a number greater "
              "than 0 and at most 1000 (service time x factor))",
              "t.json: /actions/1/factor: is only used by \"slow\" and \"traffic\" actions "
              "(expected no factor for \"kill\")",
              "t.json: /actions/2/factor: 0 is out of range (expected a number greater than 0 "
              "and at most 1000)"});
  CHECK(s(R"({"name": "s", "actions": [{"at": "1m", "action": "traffic", "target": "api",
             "factor": 2}, {"at": "2m", "action": "heal", "target": "zone:a", "for": "1m"}]})") ==
        Lines{"t.json: /actions/0/target: is given for a \"traffic\" action (expected no target: "
              "\"traffic\" scales the whole arrival rate)",
              "t.json: /actions/1/for: is not used by \"heal\" (expected no \"for\": the action "
              "itself undoes an earlier one)"});
  CHECK(s(R"({"name": "s", "actions": [{"at": "1m", "action": "kill", "target": "pg..primary"},
             {"at": "1m", "action": "kill", "target": "pg.primry"},
             {"at": "1m", "action": "kill", "target": "api[-1]"},
             {"at": "1m", "action": "kill", "target": "zone:"}]})") ==
        Lines{"t.json: /actions/0/target: \"pg..primary\" is not a target (expected \"name\", "
              "\"name[i]\", \"name.role\", \"name.role[i]\" or \"zone:NAME\", e.g. "
              "\"pg.primary\")",
              "t.json: /actions/1/target: unknown role \"primry\" in \"pg.primry\" (did you mean "
              "\"primary\"?; expected one of \"primary\", \"replica\", \"master\", \"sentinel\", "
              "\"node\", \"secondary\")",
              "t.json: /actions/2/target: \"api[-1]\" is not a target (expected \"name\", "
              "\"name[i]\", \"name.role\", \"name.role[i]\" or \"zone:NAME\", e.g. "
              "\"pg.primary\")",
              "t.json: /actions/3/target: \"zone:\" is not a target (expected \"name\", "
              "\"name[i]\", \"name.role\", \"name.role[i]\" or \"zone:NAME\", e.g. "
              "\"pg.primary\")"});
  CHECK(s(R"({"name": "s", "actions": []})") ==
        Lines{"t.json: /actions: is empty (expected at least one action)"});

  // Parsed targets.
  ReadContext ctx{"t.json", {}};
  Scenario sc = read_scenario(Json::parse(R"({"name": "s", "actions": [
      {"at": "0s", "action": "kill", "target": "vectors.node[1]", "for": "5m"},
      {"at": "1m", "action": "partition", "target": "zone:b"},
      {"at": "2m", "action": "traffic", "factor": 3}]})"),
                              capsim::models::syntax(), ctx);
  REQUIRE(ctx.diagnostics.ok());
  CHECK(sc.actions[0].component == "vectors");
  CHECK(sc.actions[0].role == "node");
  CHECK(sc.actions[0].index == 1);
  CHECK(*sc.actions[0].duration == 300);
  CHECK(sc.actions[1].zone == "b");
  CHECK(sc.actions[1].component.empty());
  CHECK(sc.actions[2].factor == 3);
  CHECK(sc.actions[2].target.empty());
}

TEST_CASE("scenario targets checked against a topology", "[formats][scenario][messages]") {
  ReadContext tctx{"topo.json", {}};
  Topology t = read_topology(Json::parse(R"({"name": "t", "zones": ["a", "b"],
      "components": {
        "api": {"kind": "app", "replicas": 3, "autoscale": {"policy": "step", "max": 6}},
        "pg": {"kind": "postgres", "read_replicas": 2},
        "cache": {"kind": "redis", "mode": "sentinel", "replicas": 1},
        "vectors": {"kind": "qdrant", "nodes": 3}},
      "requests": {"r": {"share": 1, "calls": [{"to": "api", "cpu": "1ms"}]}}})"),
                             capsim::models::syntax(), tctx);
  REQUIRE(tctx.diagnostics.ok());
  ReadContext ctx{"s.json", {}};
  Scenario s = read_scenario(Json::parse(R"({"name": "s", "actions": [
      {"at": "1s", "action": "kill", "target": "pg.primary"},
      {"at": "1s", "action": "kill", "target": "pgg.primary"},
      {"at": "1s", "action": "kill", "target": "pg.master"},
      {"at": "1s", "action": "kill", "target": "api.node"},
      {"at": "1s", "action": "kill", "target": "api[5]"},
      {"at": "1s", "action": "kill", "target": "api[6]"},
      {"at": "1s", "action": "kill", "target": "vectors.node[3]"},
      {"at": "1s", "action": "kill", "target": "pg[1]"},
      {"at": "1s", "action": "kill", "target": "cache.sentinel[2]"},
      {"at": "1s", "action": "kill", "target": "cache.replica[1]"},
      {"at": "1s", "action": "partition", "target": "zone:c"},
      {"at": "1s", "action": "partition", "target": "zone:b"}]})"),
                             capsim::models::syntax(), ctx);
  REQUIRE(ctx.diagnostics.ok());
  check_scenario_against(s, t, capsim::models::syntax(), ctx);
  CHECK(lines(ctx.diagnostics) ==
        Lines{"s.json: /actions/1/target: unknown component \"pgg\" in topo.json (did you mean "
              "\"pg\"?)",
              "s.json: /actions/2/target: role \"master\" does not exist on \"pg\", a postgres "
              "(expected \"pg.primary\" or \"pg.replica\")",
              "s.json: /actions/3/target: \"api\" is an app, which has no roles (expected \"api\" "
              "or \"api[i]\")",
              "s.json: /actions/5/target: index 6 is out of range (expected \"api[0]\" to "
              "\"api[5]\")",
              "s.json: /actions/6/target: index 3 is out of range (expected \"vectors.node[0]\" "
              "to \"vectors.node[2]\")",
              "s.json: /actions/7/target: \"pg[i]\" is ambiguous for a postgres, whose instances "
              "change roles (expected \"pg.primary\" or \"pg.replica[i]\")",
              "s.json: /actions/9/target: index 1 is out of range (expected "
              "\"cache.replica[0]\")",
              "s.json: /actions/10/target: unknown zone \"c\" in topo.json (expected a zone "
              "declared in the topology's /zones)"});
}

TEST_CASE("catalog reader messages", "[formats][catalog][messages]") {
  auto c = [](const std::string& text) { return read_text(FileKind::Catalog, text); };
  const std::string head =
      R"({"provider": "aws", "region": "us-east-1", "source": "list", "date": "2024-06-01", )";
  CHECK(c(R"({"provider": "aws", "region": "us-east-1", "source": "list",
             "instances": {"a": {"family": "compute", "vcpus": 2, "memory": "4GiB",
                                 "hourly": 0.1}}})") ==
        Lines{"t.json: /: missing required key \"date\" (expected a string)"});
  CHECK(c(R"({"provider": "aws", "region": "us-east-1", "source": "list", "date": "2023-02-29",
             "currency": "dollars", "instances": {}})") ==
        Lines{"t.json: /currency: \"dollars\" is not a currency code (expected three capital "
              "letters, ISO 4217, such as \"USD\")",
              "t.json: /date: \"2023-02-29\" is not a date (expected \"YYYY-MM-DD\", e.g. "
              "\"2026-11-01\")",
              "t.json: /instances: is empty (expected at least one instance type)"});
  CHECK(c(head + R"("instances": {"a": {"familly": "compute", "vcpus": 0, "memory": 4,
             "hourly": "0.1"}}})") ==
        Lines{"t.json: /instances/a: missing required key \"family\" (expected one of "
              "\"general\", \"compute\", \"memory\", \"storage\", \"accelerated\", "
              "\"burstable\")",
              "t.json: /instances/a/vcpus: 0 is out of range (expected an integer from 1 to 4096)",
              "t.json: /instances/a/memory: is an integer (expected a size such as \"3GiB\")",
              "t.json: /instances/a/hourly: is a string (expected a price per hour greater than "
              "0)",
              "t.json: /instances/a/familly: unknown key \"familly\" (did you mean \"family\"?)"});
  CHECK(c(head + R"("instances": {"a": {"family": "gpu", "vcpus": 1, "memory": "1GiB",
             "hourly": 0}}})") ==
        Lines{"t.json: /instances/a/family: \"gpu\" is not allowed (expected one of \"general\", "
              "\"compute\", \"memory\", \"storage\", \"accelerated\", \"burstable\")",
              "t.json: /instances/a/hourly: 0 is out of range (expected a price per hour greater "
              "than 0 and at most 1e+06)"});
  CHECK(c(head + R"("instances": []})") ==
        Lines{"t.json: /instances: is an array (expected an object)"});

  ReadContext ctx{"t.json", {}};
  Catalog cat = read_catalog(Json::parse(head + R"("instances": {"m6i.large": {"family":
      "general", "vcpus": 2, "memory": "8GiB", "hourly": 0.096}}})"),
                             ctx);
  REQUIRE(ctx.diagnostics.ok());
  CHECK(cat.currency == "USD");
  REQUIRE(cat.find("m6i.large") != nullptr);
  CHECK(cat.find("m6i.large")->memory == 8.0 * 1024 * 1024 * 1024);
  CHECK(cat.find("m6i.large")->hourly * Catalog::hours_per_month == Approx(70.08));
  CHECK(cat.find("m6i.larg") == nullptr);
}

TEST_CASE("SLO reader messages", "[formats][slo][messages]") {
  auto s = [](const std::string& text) { return read_text(FileKind::Slo, text); };
  CHECK(s(R"({"latnecy": {"p95": "500ms"}})") ==
        Lines{"t.json: /latnecy: unknown key \"latnecy\" (did you mean \"latency\"?)"});
  CHECK(s(R"({"latency": {"p95": "500ms", "p99": "200ms"}})") ==
        Lines{"t.json: /latency/p99: p99 \"200ms\" is below p95 \"500ms\" (expected p50 <= p95 "
              "<= p99 <= p999)"});
  CHECK(s(R"({"latency": {}, "classes": {"read": {"p95": 0.2}}})") ==
        Lines{"t.json: /latency: has no percentile (expected at least one of \"p50\", \"p95\", "
              "\"p99\", \"p999\")",
              "t.json: /classes/read/p95: is a number (expected a duration such as \"30s\")"});
  CHECK(s(R"({"headroom": 1.5, "error_rate": true})") ==
        Lines{"t.json: /error_rate: is a boolean (expected a fraction from 0 to 1 such as 0.7 or "
              "\"70%\")",
              "t.json: /headroom: 1.5 is out of range (expected a fraction from 0 to 1 such as 0.7 "
              "or \"70%\")"});
  CHECK(s(R"({"headroom": 0})") ==
        Lines{"t.json: /headroom: 0 is out of range (expected a utilisation ceiling above 0 and "
              "at most 1, such as 0.7)"});
  CHECK(s(R"({"failover": {"max_lost_writes": -1, "max_recovery": "soon"}})") ==
        Lines{"t.json: /failover/max_recovery: \"soon\" is not a duration (expected a number with "
              "a unit, e.g. \"250us\", \"4ms\", \"30s\", \"15m\")",
              "t.json: /failover/max_lost_writes: -1 is out of range (expected an integer from 0 "
              "to 1125899906842624)"});

  ReadContext ctx{"t.json", {}};
  Slo slo = read_slo(Json::parse(R"({"name": "x", "classes": {"read": {"p99": "1s"}},
      "failover": {"max_error_rate": "5%", "max_lost_writes": 0}})"),
                     ctx);
  REQUIRE(ctx.diagnostics.ok());
  CHECK(slo.headroom == 0.7);
  CHECK(slo.max_error_rate == 0.001);
  CHECK(*slo.classes.at("read").p99 == 1.0);
  CHECK(slo.failover.max_error_rate == Approx(0.05));
  CHECK(*slo.failover.max_lost_writes == 0);
}
