// The run directory's schema (output/run_files.hpp): each file written from its struct reads back
// equal (and matches its JSON schema), and a broken file is one InputError naming the file, the
// JSON pointer or CSV line, and what was expected.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/diagnostics.hpp"
#include "output/report.hpp"
#include "output/run_files.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::schema_errors;
using Json = nlohmann::json;
using namespace capsim::output;

namespace {

// A fresh scratch directory for one test, in the build tree (left there to look at).
fs::path scratch(const std::string& name) {
  fs::path dir = fs::path(CAPSIM_BINARY).parent_path() / "tests" / "run-files-scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_json(const fs::path& dir, const std::string& name, const Json& j) {
  write_file(dir / name, j.dump(2) + "\n");
}

fs::path schema(const std::string& name) {
  return fs::path(CAPSIM_SOURCE_DIR) / "topologies" / "schema" / (name + ".schema.json");
}

// The one problem that `read` reports, as capsim prints it.
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const capsim::core::InputError& e) {
    REQUIRE(e.diagnostics().problems().size() == 1);
    return e.diagnostics().problems()[0].to_string();
  }
  FAIL("no error");
  return "";
}

// Every field set, optionals both ways, integers beside fractions.
SummaryFile sample_summary() {
  using E = SummaryFile::Estimate;
  SummaryFile f;
  f.capsim = "0.1.0";
  f.command = "simulate";
  f.topology = {"shop", "topologies/shop.json"};
  f.load = {320.5, "--rps 320.5", "poisson"};
  f.run = {60, 30, 18446744073709551615ull, 2, 3};
  f.classes.push_back(
      {"read",
       E{310.25, 1.5},
       E{0.001, std::nullopt},
       {E{0.012, 0.001}, E{0.01, 0.0005}, E{0.03, 0.002}, E{0.05, 0.004}, E{0.09, std::nullopt}},
       18000,
       18,
       {{"timeout", 12}, {"refused", 6}}});
  f.components.push_back({"api",
                          "app",
                          3,
                          E{0.71, 0.02},
                          E{0.65, 0.02},
                          E{1.25, 0.1},
                          7,
                          E{0.004, 0.0002},
                          E{320, 2},
                          E{0, std::nullopt},
                          true,
                          false,
                          {{"pool_waits", E{4, 1}}}});
  f.components.push_back({"pg",
                          "postgres",
                          1,
                          E{0.2, 0.01},
                          E{0.2, 0.01},
                          E{0, 0},
                          0.5,
                          E{0, 0},
                          E{100, 1},
                          E{0, 0},
                          false,
                          false,
                          {}});
  f.saturated = {"api"};
  f.slo = SummaryFile::Slo{"experiments/slo-default.json",
                           false,
                           {{"read p95", 0.03, 0.002, 0.5, true, false},
                            {"api utilisation", 0.71, 0.02, 0.7, false, true}}};
  return f;
}

TimelineFile sample_timeline() {
  TimelineFile f;
  f.scenario = "pg-primary-loss";
  f.fault_at_s = 30;
  f.recovered_at_s = 41.5;
  f.time_to_recover_s = 11.5;
  f.window_s = 2;
  f.events = {{30, "pg", "kill", "pg.primary"}, {40.25, "pg", "promoted", "pg.replica[0]"}};
  TimelineFile::PhaseClass during{"read", 5000, 150.5, 0.02, {{"timeout", 100}}, 0.01, 0.2, 0.4};
  f.phases = {{"before", 0, 30, {during}}, {"during", 30, 41.5, {during}}, {"after", 41.5, 60, {}}};
  f.lost_writes = {3.5, 0.25};
  f.verdict = TimelineFile::Verdict{false, {"recovery 11.5 s exceeds 10 s"}};
  f.recovery = {11.75, std::nullopt, {11.5, 12}, 1};
  f.errors_until = {std::nullopt, {}};
  return f;
}

PlanFile sample_plan() {
  PlanFile f;
  f.capsim = "0.1.0";
  f.topology = {"shop", "topologies/shop.json"};
  f.traffic = "experiments/shop-traffic.json";
  f.slo = "experiments/slo-default.json";
  f.headroom = 0.7;
  f.catalog = {"experiments/catalog.json", "aws", "us-east-1", "USD", "2024-06-01", 730};
  PlanFile::Period p;
  p.period = "2027-01";
  p.peak_rps = 640.5;
  p.recommended = false;
  p.why_not = "pg.primary: recovery 70 s";
  p.setup = {{"api", "3 x c6i.large"}, {"pg", "m6i.xlarge + 1 read replica"}};
  p.tiers = {{"api", "3 x c6i.large", 3, "c6i.large", "", 186.15, 0.61, 0.58},
             {"cache", "sentinel", 2, "r6g.large", "sentinel", 147.17, 0.2, 0.21}};
  p.p95_s = 0.12;
  p.p99_s = 0.31;
  p.p95_by_class_s = {{"read", 0.12}};
  p.p99_by_class_s = {{"read", 0.31}};
  p.error_rate = 0.0005;
  p.binding = "api CPU at 61% (headroom 70%)";
  p.monthly_usd = 1344.37;
  p.delta_usd = -151.69;
  p.n_plus_1_premium_usd = 326.31;
  p.changes = {"api: replicas 2 -> 3"};
  p.drills = {{"api[0]", true, 0, 0, ""}, {"pg.primary", false, std::nullopt, 0.14, "no recovery"}};
  p.runner_up = PlanFile::RunnerUp{{{"api", "4 x c6i.large"}}, 1400.5, true};
  p.candidates_evaluated = 17;
  p.simulations = 9;
  PlanFile::Period q = p;
  q.period = "2027-02";
  q.runner_up.reset();
  f.periods = {p, q};
  f.runway = {{"api", "CPU", "2027-02", std::nullopt}, {"pg", "CPU", std::nullopt, std::nullopt}};
  f.rule_of_thumb.rows = {{"2027-01", 320.5, 6410, 7, 641, 0.6, "primary + 2 replicas", "one"}};
  f.rule_of_thumb.comparison = {"App instances: the rule and the plan agree."};
  f.wall_seconds = 12.5;
  f.simulations = 18;
  return f;
}

RunFile sample_run() {
  return {"0.1.0", "drill", 7, 2, Json{{"topology", {{"name", "shop"}}}, {"duration_s", 60.0}}};
}

}  // namespace

TEST_CASE("run files: each JSON file written from its struct reads back equal", "[run-files]") {
  fs::path dir = scratch("json-round-trip");
  SummaryFile summary = sample_summary();
  TimelineFile timeline = sample_timeline();
  PlanFile plan = sample_plan();
  RunFile run = sample_run();
  write_json(dir, "summary.json", summary);
  write_json(dir, "timeline.json", timeline);
  write_json(dir, "plan.json", plan);
  write_json(dir, "run.json", run);

  CHECK(read_summary_file(dir.string()) == summary);
  CHECK(read_timeline_file(dir.string()) == timeline);
  CHECK(read_plan_file(dir.string()) == plan);
  CHECK(read_run_file(dir.string()) == run);

  // The structs mirror the published schemas.
  CHECK(schema_errors(Json(summary), schema("summary")).empty());
  CHECK(schema_errors(Json(timeline), schema("timeline")).empty());
  CHECK(schema_errors(Json(plan), schema("plan")).empty());
}

TEST_CASE("run files: what the report may do without reads back as absent", "[run-files]") {
  fs::path dir = scratch("json-absent");
  SummaryFile summary = sample_summary();
  summary.load.rps.reset();
  summary.components[0].instances.reset();
  summary.components[0].max_queue.reset();
  summary.slo.reset();
  write_json(dir, "summary.json", summary);
  CHECK(read_summary_file(dir.string()) == summary);

  // A hand-made timeline with only what the page needs.
  write_json(dir, "timeline.json", {{"version", 1}, {"fault_at_s", 30}});
  TimelineFile t = read_timeline_file(dir.string());
  CHECK(t.fault_at_s == 30);
  CHECK(t.events.empty());
  CHECK(!t.verdict);
  CHECK(!t.recovered_at_s);
}

TEST_CASE("run files: each CSV file written from its rows reads back equal", "[run-files]") {
  fs::path dir = scratch("csv-round-trip");
  std::vector<TimeseriesRow> ts{{0, "read", "p95", 0.0123456789}, {2.5, "api", "queue", 3}};
  std::vector<LatencyRow> latency{{"read", 0.001, 10},
                                  {"read", 0.0012589254117941675, 0},
                                  {"write", 1e-3, 18446744073709551615ull}};
  // A setup with a comma and a quote in it stays one field.
  std::vector<CostRow> costs{{"2027-01", "api", "3 x c6i.large", 3, 0.085, 186.15},
                             {"2027-01", "cache", "sentinel, 1 + 1 \"replica\"", 2, 0.1008, 0}};
  write_file(dir / "timeseries.csv", to_csv(ts));
  write_file(dir / "latency.csv", to_csv(latency));
  write_file(dir / "costs.csv", to_csv(costs));
  CHECK(read_timeseries_csv(dir.string()) == ts);
  CHECK(read_latency_csv(dir.string()) == latency);
  CHECK(read_costs_csv(dir.string()) == costs);
  CHECK(to_csv(costs) ==
        "period,component,setup,count,hourly_usd,monthly_usd\n"
        "2027-01,api,\"3 x c6i.large\",3,0.085,186.15\n"
        "2027-01,cache,\"sentinel, 1 + 1 \"\"replica\"\"\",2,0.1008,0.00\n");
}

TEST_CASE("run files: a missing or mistyped JSON value names the file, pointer and expectation",
          "[run-files]") {
  fs::path dir = scratch("json-errors");
  std::string d = dir.string();
  auto summary_error = [&](const std::function<void(Json&)>& edit) {
    Json j = sample_summary();
    edit(j);
    write_json(dir, "summary.json", j);
    return error_of([&] { read_summary_file(d); });
  };
  CHECK(summary_error([](Json& j) { j["classes"][0].erase("name"); }) ==
        d + "/summary.json: /classes/0/name: missing (expected a string)");
  CHECK(summary_error([](Json& j) { j["classes"][0]["latency_s"].erase("p95"); }) ==
        d + "/summary.json: /classes/0/latency_s/p95/mean: missing (expected a number)");
  CHECK(summary_error([](Json& j) { j["components"][1]["instances"] = "three"; }) ==
        d + "/summary.json: /components/1/instances: is a string (expected a number)");
  CHECK(summary_error([](Json& j) { j["classes"][0]["completed"] = 2.5; }) ==
        d + "/summary.json: /classes/0/completed: is 2.5 (expected a whole number from 0 to "
            "18446744073709551615)");
  CHECK(summary_error([](Json& j) { j["classes"][0]["errors"]["a/b"] = "x"; }) ==
        d + "/summary.json: /classes/0/errors/a~1b: is a string (expected a count)");
  CHECK(summary_error([](Json& j) { j["slo"]["checks"][1]["pass"] = nullptr; }) ==
        d + "/summary.json: /slo/checks/1/pass: is null (expected true or false)");
  CHECK(summary_error([](Json& j) { j["components"] = Json::object(); }) ==
        d + "/summary.json: /components: is an object (expected an array)");
  CHECK(summary_error([](Json& j) { j = Json::array(); }) ==
        d + "/summary.json: /: is an array (expected a JSON object: the summary.json that capsim "
            "writes into its --out DIR)");

  Json timeline = sample_timeline();
  timeline["version"] = 2;
  write_json(dir, "timeline.json", timeline);
  CHECK(error_of([&] { read_timeline_file(d); }) ==
        d + "/timeline.json: /version: 2 (expected 1: this capsim reads timeline.json version 1)");
  timeline = sample_timeline();
  timeline["phases"][1]["classes"][0]["errors"]["timeout"] = -1;
  write_json(dir, "timeline.json", timeline);
  CHECK(error_of([&] { read_timeline_file(d); }) ==
        d + "/timeline.json: /phases/1/classes/0/errors/timeout: is -1 (expected a whole number "
            "from 0 to 18446744073709551615)");

  Json plan = sample_plan();
  plan["periods"][1]["changes"][0] = 3;
  write_json(dir, "plan.json", plan);
  CHECK(error_of([&] { read_plan_file(d); }) ==
        d + "/plan.json: /periods/1/changes/0: is an integer (expected a string)");

  CHECK(error_of([&] { read_run_file(d); }) ==
        d +
            "/run.json: /: no such file (expected the run.json that capsim writes into its --out "
            "DIR; is " +
            d + " the directory given to --out?)");
  write_json(dir, "run.json", {{"seed", 7}});
  CHECK(error_of([&] { read_run_file(d); }) ==
        d + "/run.json: /command: missing (expected a string)");
}

TEST_CASE("run files: a broken CSV file names its own line and column", "[run-files]") {
  fs::path dir = scratch("csv-errors");
  std::string d = dir.string();
  std::string file = d + "/timeseries.csv";
  auto timeseries_error = [&](const std::string& text) {
    write_file(dir / "timeseries.csv", text);
    return error_of([&] { read_timeseries_csv(d); });
  };
  CHECK(error_of([&] { read_timeseries_csv(d); }) ==
        file +
            ": /: no such file (expected the timeseries.csv that capsim writes into its --out DIR "
            "with the columns time,component,metric,value; is " +
            d + " the directory given to --out?)");
  CHECK(timeseries_error("") ==
        file + ": /: file is empty (expected a header line time,component,metric,value)");
  CHECK(timeseries_error("time,component,metric\n") ==
        file +
            ": /: line 1: no column \"value\" (expected the header time,component,metric,value)");
  // Blank lines count: the line numbers are the file's own.
  CHECK(timeseries_error("time,component,metric,value\n0,read,p95,0.1\n\n2,read,p95,abc\n") ==
        file + ": /: line 4: \"abc\" in column value is not a number (expected a number)");
  CHECK(timeseries_error("time,component,metric,value\n0,read,p95\n") ==
        file + ": /: line 2: 3 fields (expected 4, as in the header)");

  write_file(dir / "latency.csv", "class,upper_bound_s,count\nread,0.001,2.5\n");
  CHECK(error_of([&] { read_latency_csv(d); }) ==
        d + "/latency.csv: /: line 2: \"2.5\" in column count is not a whole number (expected a "
            "whole number from 0 to 18446744073709551615)");
  write_file(dir / "costs.csv", "period,component,monthly_usd\n2027-01,api,\n");
  CHECK(error_of([&] { read_costs_csv(d); }) ==
        d + "/costs.csv: /: line 2: \"\" in column monthly_usd is not a number (expected a "
            "number)");
}

TEST_CASE("run files: a run directory reads by its command", "[run-files]") {
  fs::path dir = scratch("run-dir");
  write_json(dir, "run.json", sample_run());
  write_json(dir, "summary.json", sample_summary());
  write_json(dir, "timeline.json", sample_timeline());
  write_file(dir / "timeseries.csv", to_csv(std::vector<TimeseriesRow>{{0, "read", "p95", 0.1}}));
  write_file(dir / "latency.csv", to_csv(std::vector<LatencyRow>{{"read", 0.001, 3}}));
  RunDir r = read_run_dir(dir.string());
  CHECK(r.run == sample_run());
  CHECK(r.summary == sample_summary());
  CHECK(r.timeline == sample_timeline());
  CHECK(r.timeseries.size() == 1);
  CHECK(r.latency.size() == 1);
  CHECK(!r.plan);

  RunFile compare = sample_run();
  compare.command = "compare";
  write_json(dir, "run.json", compare);
  CHECK(error_of([&] { read_run_dir(dir.string()); }) ==
        dir.string() +
            "/run.json: /command: \"compare\" is not a run capsim report draws (expected "
            "\"simulate\", \"drill\" or \"plan\")");
}
