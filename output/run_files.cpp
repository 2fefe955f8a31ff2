#include "output/run_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "config/json_reader.hpp"

namespace capsim::output {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

template <class T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json();
}

// A value capsim always writes but the report does not need: its default where a hand-made file
// leaves it out, an error only where it is there and of the wrong type.
SummaryFile::Estimate maybe_estimate(const JsonIn& in) {
  SummaryFile::Estimate e;
  if (!in.absent()) from_json(in, e);
  return e;
}

template <class Int>
Int integer_or_zero(const JsonIn& in) {
  return maybe_integer<Int>(in).value_or(0);
}

double number_or_zero(const JsonIn& in) {
  return maybe_number(in).value_or(0);
}

// A setup in words per component. Lenient, as the report always was with hand-written plans: a
// setup that is not an object is left out and one given as a number is shown as written.
std::map<std::string, std::string> read_setup(const JsonIn& in) {
  std::map<std::string, std::string> setup;
  if (in.absent() || !in.value->is_object()) return setup;
  for (const auto& [component, what] : in.value->items())
    setup[component] = what.is_string() ? what.get<std::string>() : what.dump();
  return setup;
}

}  // namespace

void to_json(Json& j, const TopologyRef& t) {
  j = {{"name", t.name}, {"file", t.file}};
}

void from_json(const JsonIn& in, TopologyRef& t) {
  t.name = maybe_text(in["name"]);
  t.file = maybe_text(in["file"]);
}

// ---- run.json -------------------------------------------------------------------------------

void to_json(Json& j, const RunFile& f) {
  j = {{"capsim", f.capsim},
       {"command", f.command},
       {"seed", or_null(f.seed)},
       {"replications", f.replications},
       {"inputs", f.inputs}};
}

void from_json(const JsonIn& in, RunFile& f) {
  f.command = text(in["command"]);
  f.capsim = maybe_text(in["capsim"]);
  f.seed = maybe_integer<std::uint64_t>(in["seed"]);
  f.replications = integer_or_zero<int>(in["replications"]);
  f.inputs = in["inputs"].absent() ? Json() : *in["inputs"].value;
}

// ---- summary.json ---------------------------------------------------------------------------

void to_json(Json& j, const SummaryFile::Estimate& e) {
  j = {{"mean", e.mean}, {"ci95", or_null(e.ci95)}};
}

void from_json(const JsonIn& in, SummaryFile::Estimate& e) {
  e.mean = number(in["mean"]);
  e.ci95 = maybe_number(in["ci95"]);
}

void to_json(Json& j, const SummaryFile::Class& c) {
  const auto& l = c.latency_s;
  j = {{"name", c.name},
       {"throughput_rps", c.throughput_rps},
       {"error_rate", c.error_rate},
       {"latency_s",
        {{"mean", l.mean}, {"p50", l.p50}, {"p95", l.p95}, {"p99", l.p99}, {"p999", l.p999}}},
       {"completed", c.completed},
       {"failed", c.failed},
       {"errors", c.errors}};
}

void from_json(const JsonIn& in, SummaryFile::Class& c) {
  c.name = text(in["name"]);
  from_json(in["throughput_rps"], c.throughput_rps);
  from_json(in["error_rate"], c.error_rate);
  JsonIn l = in["latency_s"];
  from_json(l["mean"], c.latency_s.mean);
  from_json(l["p50"], c.latency_s.p50);
  from_json(l["p95"], c.latency_s.p95);
  from_json(l["p99"], c.latency_s.p99);
  from_json(l["p999"], c.latency_s.p999);
  c.errors = maybe_counts<double>(in["errors"]);
  c.completed = integer_or_zero<std::uint64_t>(in["completed"]);
  c.failed = integer_or_zero<std::uint64_t>(in["failed"]);
}

void to_json(Json& j, const SummaryFile::Component& c) {
  j = {{"name", c.name},
       {"kind", c.kind},
       {"instances", or_null(c.instances)},
       {"utilisation", c.utilisation},
       {"service_utilisation", c.service_utilisation},
       {"mean_queue", c.mean_queue},
       {"max_queue", or_null(c.max_queue)},
       {"mean_wait_s", c.mean_wait_s},
       {"throughput_rps", c.throughput_rps},
       {"turned_away", c.turned_away},
       {"saturated", c.saturated},
       {"bottleneck", c.bottleneck},
       {"extra", c.extra}};
}

void from_json(const JsonIn& in, SummaryFile::Component& c) {
  c.name = text(in["name"]);
  c.kind = maybe_text(in["kind"]);
  c.instances = maybe_integer<int>(in["instances"]);
  c.max_queue = maybe_number(in["max_queue"]);
  from_json(in["utilisation"], c.utilisation);
  from_json(in["mean_queue"], c.mean_queue);
  from_json(in["mean_wait_s"], c.mean_wait_s);
  c.saturated = flag(in["saturated"]);
  c.bottleneck = flag(in["bottleneck"]);
  c.service_utilisation = maybe_estimate(in["service_utilisation"]);
  c.throughput_rps = maybe_estimate(in["throughput_rps"]);
  c.turned_away = maybe_estimate(in["turned_away"]);
  c.extra = maybe_map<SummaryFile::Estimate>(in["extra"]);
}

void to_json(Json& j, const SummaryFile::SloCheck& c) {
  j = {{"subject", c.subject}, {"value", c.value}, {"ci95", or_null(c.ci95)},
       {"target", c.target},   {"pass", c.pass},   {"uncertain", c.uncertain}};
}

void from_json(const JsonIn& in, SummaryFile::SloCheck& c) {
  c.subject = text(in["subject"]);
  c.value = number(in["value"]);
  c.ci95 = maybe_number(in["ci95"]);
  c.target = number(in["target"]);
  c.pass = flag(in["pass"]);
  c.uncertain = flag(in["uncertain"]);
}

void to_json(Json& j, const SummaryFile& f) {
  j = {{"schema", "capsim/summary"},
       {"version", kSummaryVersion},
       {"capsim", f.capsim},
       {"command", f.command},
       {"topology", f.topology},
       {"load",
        {{"rps", or_null(f.load.rps)}, {"source", f.load.source}, {"arrival", f.load.arrival}}},
       {"run",
        {{"duration_s", or_null(f.run.duration_s)},
         {"warmup_s", or_null(f.run.warmup_s)},
         {"seed", f.run.seed},
         {"replications", or_null(f.run.replications)},
         {"shed", f.run.shed}}},
       {"classes", f.classes},
       {"components", f.components},
       {"saturated", f.saturated}};
  if (f.slo) j["slo"] = {{"file", f.slo->file}, {"pass", f.slo->pass}, {"checks", f.slo->checks}};
}

// In the order the report always read them, so that a broken file's first problem is the same.
void from_json(const JsonIn& in, SummaryFile& f) {
  from_json(in["topology"], f.topology);
  f.load.source = maybe_text(in["load"]["source"]);
  f.load.rps = maybe_number(in["load"]["rps"]);
  f.run.duration_s = maybe_number(in["run"]["duration_s"]);
  f.run.warmup_s = maybe_number(in["run"]["warmup_s"]);
  f.run.replications = maybe_integer<int>(in["run"]["replications"]);
  f.classes = list<SummaryFile::Class>(in["classes"]);
  f.components = list<SummaryFile::Component>(in["components"]);
  f.saturated = maybe_list<std::string>(in["saturated"]);
  if (JsonIn slo = in["slo"]; !slo.absent()) {
    f.slo = SummaryFile::Slo{};  // not emplace(): clang 14 sees the nested struct incomplete
    f.slo->pass = flag(slo["pass"]);
    f.slo->file = maybe_text(slo["file"]);
    f.slo->checks = list<SummaryFile::SloCheck>(slo["checks"]);
  }
  f.capsim = maybe_text(in["capsim"]);
  f.command = maybe_text(in["command"]);
  f.load.arrival = maybe_text(in["load"]["arrival"]);
  f.run.seed = integer_or_zero<std::uint64_t>(in["run"]["seed"]);
  f.run.shed = integer_or_zero<std::uint64_t>(in["run"]["shed"]);
}

// ---- timeline.json --------------------------------------------------------------------------

void to_json(Json& j, const TimelineFile::Event& e) {
  j = {{"time_s", e.time_s}, {"component", e.component}, {"event", e.event}, {"detail", e.detail}};
}

void from_json(const JsonIn& in, TimelineFile::Event& e) {
  e.time_s = number(in["time_s"]);
  e.component = maybe_text(in["component"]);
  e.event = text(in["event"]);
  e.detail = maybe_text(in["detail"]);
}

void to_json(Json& j, const TimelineFile::PhaseClass& c) {
  j = {{"name", c.name},
       {"requests", or_null(c.requests)},
       {"throughput_rps", or_null(c.throughput_rps)},
       {"error_rate", or_null(c.error_rate)},
       {"errors", c.errors},
       {"p50_s", or_null(c.p50_s)},
       {"p95_s", or_null(c.p95_s)},
       {"p99_s", or_null(c.p99_s)}};
}

void from_json(const JsonIn& in, TimelineFile::PhaseClass& c) {
  c.name = text(in["name"]);
  c.requests = maybe_integer<std::uint64_t>(in["requests"]);
  c.throughput_rps = maybe_number(in["throughput_rps"]);
  c.error_rate = maybe_number(in["error_rate"]);
  c.p50_s = maybe_number(in["p50_s"]);
  c.p95_s = maybe_number(in["p95_s"]);
  c.p99_s = maybe_number(in["p99_s"]);
  c.errors = maybe_counts<std::uint64_t>(in["errors"]);
}

void to_json(Json& j, const TimelineFile::Phase& p) {
  j = {{"name", p.name}, {"from_s", p.from_s}, {"to_s", p.to_s}, {"classes", p.classes}};
}

void from_json(const JsonIn& in, TimelineFile::Phase& p) {
  p.name = text(in["name"]);
  p.from_s = number(in["from_s"]);
  p.to_s = number(in["to_s"]);
  p.classes = maybe_list<TimelineFile::PhaseClass>(in["classes"]);
}

void to_json(Json& j, const TimelineFile& f) {
  j = {{"schema", "capsim/timeline"},
       {"version", kTimelineVersion},
       {"scenario", f.scenario},
       {"fault_at_s", f.fault_at_s},
       {"recovered_at_s", or_null(f.recovered_at_s)},
       {"time_to_recover_s", or_null(f.time_to_recover_s)},
       {"window_s", f.window_s},
       {"events", f.events},
       {"phases", f.phases},
       {"lost_writes",
        {{"count", or_null(f.lost_writes.count)}, {"lag_s", or_null(f.lost_writes.lag_s)}}},
       {"recovery",
        {{"mean_s", or_null(f.recovery.mean_s)},
         {"ci95_s", or_null(f.recovery.ci95_s)},
         {"samples_s", f.recovery.samples_s},
         {"not_recovered", f.recovery.not_recovered}}},
       {"errors_until",
        {{"mean_s", or_null(f.errors_until.mean_s)}, {"samples_s", f.errors_until.samples_s}}}};
  if (f.verdict) j["verdict"] = {{"pass", f.verdict->pass}, {"reasons", f.verdict->reasons}};
}

// In the order the report always read them, so that a broken file's first problem is the same.
void from_json(const JsonIn& in, TimelineFile& f) {
  double version = number(in["version"]);
  if (version != kTimelineVersion)
    throw_input_error(
        in.file, "/version",
        fmt::format("{} (expected 1: this capsim reads timeline.json version 1)", version));
  f.scenario = maybe_text(in["scenario"]);
  f.fault_at_s = number(in["fault_at_s"]);
  f.recovered_at_s = maybe_number(in["recovered_at_s"]);
  f.time_to_recover_s = maybe_number(in["time_to_recover_s"]);
  f.events = maybe_list<TimelineFile::Event>(in["events"]);
  f.phases = maybe_list<TimelineFile::Phase>(in["phases"]);
  f.lost_writes.count = maybe_number(in["lost_writes"]["count"]);
  f.lost_writes.lag_s = maybe_number(in["lost_writes"]["lag_s"]);
  if (JsonIn verdict = in["verdict"]; !verdict.absent()) {
    f.verdict = TimelineFile::Verdict{};
    f.verdict->pass = flag(verdict["pass"]);
    f.verdict->reasons = maybe_list<std::string>(verdict["reasons"]);
  }
  JsonIn recovery = in["recovery"];
  f.recovery.mean_s = maybe_number(recovery["mean_s"]);
  f.recovery.ci95_s = maybe_number(recovery["ci95_s"]);
  f.recovery.samples_s = maybe_list<double>(recovery["samples_s"]);
  f.recovery.not_recovered = integer_or_zero<int>(recovery["not_recovered"]);
  f.window_s = number_or_zero(in["window_s"]);
  f.errors_until.mean_s = maybe_number(in["errors_until"]["mean_s"]);
  f.errors_until.samples_s = maybe_list<double>(in["errors_until"]["samples_s"]);
}

// ---- plan.json ------------------------------------------------------------------------------

void to_json(Json& j, const PlanFile::Tier& t) {
  j = {{"component", t.component},
       {"setup", t.setup},
       {"count", t.count},
       {"instance", t.instance},
       {"mode", t.mode},
       {"monthly_usd", t.monthly_usd},
       {"utilisation", t.utilisation},
       {"predicted_utilisation", t.predicted_utilisation}};
}

void from_json(const JsonIn& in, PlanFile::Tier& t) {
  t.component = maybe_text(in["component"]);
  t.setup = maybe_text(in["setup"]);
  t.count = integer_or_zero<int>(in["count"]);
  t.instance = maybe_text(in["instance"]);
  t.mode = maybe_text(in["mode"]);
  t.monthly_usd = number_or_zero(in["monthly_usd"]);
  t.utilisation = number_or_zero(in["utilisation"]);
  t.predicted_utilisation = number_or_zero(in["predicted_utilisation"]);
}

void to_json(Json& j, const PlanFile::Drill& d) {
  j = {{"target", d.target},
       {"pass", d.pass},
       {"recovery_s", or_null(d.recovery_s)},
       {"error_rate", d.error_rate},
       {"note", d.note}};
}

void from_json(const JsonIn& in, PlanFile::Drill& d) {
  d.target = maybe_text(in["target"]);
  d.pass = flag(in["pass"]);
  d.recovery_s = maybe_number(in["recovery_s"]);
  d.error_rate = number_or_zero(in["error_rate"]);
  d.note = maybe_text(in["note"]);
}

void to_json(Json& j, const PlanFile::Period& p) {
  j = {{"period", p.period},
       {"peak_rps", or_null(p.peak_rps)},
       {"recommended", p.recommended},
       {"why_not", p.why_not},
       {"setup", p.setup},
       {"tiers", p.tiers},
       {"p95_s", or_null(p.p95_s)},
       {"p99_s", p.p99_s},
       {"p95_by_class_s", p.p95_by_class_s},
       {"p99_by_class_s", p.p99_by_class_s},
       {"error_rate", p.error_rate},
       {"binding", p.binding},
       {"monthly_usd", or_null(p.monthly_usd)},
       {"delta_usd", p.delta_usd},
       {"n_plus_1_premium_usd", p.n_plus_1_premium_usd},
       {"changes", p.changes},
       {"drills", p.drills},
       {"runner_up", Json()},
       {"candidates_evaluated", p.candidates_evaluated},
       {"simulations", p.simulations}};
  if (p.runner_up)
    j["runner_up"] = {{"setup", p.runner_up->setup},
                      {"monthly_usd", p.runner_up->monthly_usd},
                      {"confirmed", p.runner_up->confirmed}};
}

void from_json(const JsonIn& in, PlanFile::Period& p) {
  p.period = text(in["period"]);
  p.binding = maybe_text(in["binding"]);
  p.peak_rps = maybe_number(in["peak_rps"]);
  p.p95_s = maybe_number(in["p95_s"]);
  p.monthly_usd = maybe_number(in["monthly_usd"]);
  p.setup = read_setup(in["setup"]);
  p.changes = maybe_list<std::string>(in["changes"]);
  p.recommended = flag(in["recommended"]);
  p.why_not = maybe_text(in["why_not"]);
  p.tiers = maybe_list<PlanFile::Tier>(in["tiers"]);
  p.p99_s = number_or_zero(in["p99_s"]);
  p.p95_by_class_s = maybe_map<double>(in["p95_by_class_s"]);
  p.p99_by_class_s = maybe_map<double>(in["p99_by_class_s"]);
  p.error_rate = number_or_zero(in["error_rate"]);
  p.delta_usd = number_or_zero(in["delta_usd"]);
  p.n_plus_1_premium_usd = number_or_zero(in["n_plus_1_premium_usd"]);
  p.drills = maybe_list<PlanFile::Drill>(in["drills"]);
  if (JsonIn r = in["runner_up"]; !r.absent_or_null()) {
    p.runner_up = PlanFile::RunnerUp{};
    p.runner_up->setup = read_setup(r["setup"]);
    p.runner_up->monthly_usd = number_or_zero(r["monthly_usd"]);
    p.runner_up->confirmed = flag(r["confirmed"]);
  }
  p.candidates_evaluated = integer_or_zero<int>(in["candidates_evaluated"]);
  p.simulations = integer_or_zero<int>(in["simulations"]);
}

void to_json(Json& j, const PlanFile::Runway& r) {
  j = {{"component", r.component},
       {"resource", r.resource},
       {"over_headroom", or_null(r.over_headroom)},
       {"saturated", or_null(r.saturated)}};
}

// Lenient, as the report always was: a month that is not a string is "not within the horizon".
void from_json(const JsonIn& in, PlanFile::Runway& r) {
  auto month = [](const JsonIn& m) -> std::optional<std::string> {
    if (m.absent() || !m.value->is_string()) return std::nullopt;
    return m.value->get<std::string>();
  };
  r.component = maybe_text(in["component"]);
  r.resource = maybe_text(in["resource"]);
  r.over_headroom = month(in["over_headroom"]);
  r.saturated = month(in["saturated"]);
}

void to_json(Json& j, const PlanFile::RuleOfThumbRow& r) {
  j = {{"period", r.period},
       {"mean_rps", r.mean_rps},
       {"users", r.users},
       {"app_instances", r.app_instances},
       {"db_connections", r.db_connections},
       {"redis_gb", r.redis_gb},
       {"database", r.database},
       {"redis", r.redis}};
}

void from_json(const JsonIn& in, PlanFile::RuleOfThumbRow& r) {
  r.period = maybe_text(in["period"]);
  r.mean_rps = number_or_zero(in["mean_rps"]);
  r.users = number_or_zero(in["users"]);
  r.app_instances = integer_or_zero<int>(in["app_instances"]);
  r.db_connections = integer_or_zero<int>(in["db_connections"]);
  r.redis_gb = number_or_zero(in["redis_gb"]);
  r.database = maybe_text(in["database"]);
  r.redis = maybe_text(in["redis"]);
}

void to_json(Json& j, const PlanFile& f) {
  const auto& c = f.catalog;
  j = {{"schema", "capsim/plan"},
       {"version", kPlanVersion},
       {"capsim", f.capsim},
       {"topology", f.topology},
       {"traffic", f.traffic},
       {"slo", f.slo},
       {"headroom", f.headroom},
       {"catalog",
        {{"file", c.file},
         {"provider", c.provider},
         {"region", c.region},
         {"currency", c.currency},
         {"date", c.date},
         {"hours_per_month", c.hours_per_month}}},
       {"wall_seconds", f.wall_seconds},
       {"simulations", f.simulations},
       {"periods", f.periods},
       {"runway", f.runway},
       {"rule_of_thumb",
        {{"rows", f.rule_of_thumb.rows}, {"comparison", f.rule_of_thumb.comparison}}}};
}

void from_json(const JsonIn& in, PlanFile& f) {
  f.periods = maybe_list<PlanFile::Period>(in["periods"]);
  // The report always left out a runway that is not a list, and entries that are not objects.
  if (JsonIn runway = in["runway"]; !runway.absent() && runway.value->is_array())
    for (std::size_t i = 0; i < runway.value->size(); ++i)
      if (runway[i].value->is_object()) from_json(runway[i], f.runway.emplace_back());
  f.capsim = maybe_text(in["capsim"]);
  from_json(in["topology"], f.topology);
  f.traffic = maybe_text(in["traffic"]);
  f.slo = maybe_text(in["slo"]);
  f.headroom = number_or_zero(in["headroom"]);
  JsonIn c = in["catalog"];
  f.catalog = {maybe_text(c["file"]),   maybe_text(c["provider"]),
               maybe_text(c["region"]), maybe_text(c["currency"]),
               maybe_text(c["date"]),   number_or_zero(c["hours_per_month"])};
  f.rule_of_thumb.rows = maybe_list<PlanFile::RuleOfThumbRow>(in["rule_of_thumb"]["rows"]);
  f.rule_of_thumb.comparison = maybe_list<std::string>(in["rule_of_thumb"]["comparison"]);
  f.wall_seconds = number_or_zero(in["wall_seconds"]);
  f.simulations = integer_or_zero<int>(in["simulations"]);
}

// ---- The CSV files --------------------------------------------------------------------------

std::string to_csv(const std::vector<TimeseriesRow>& rows) {
  std::string out = "time,component,metric,value\n";
  for (const auto& r : rows)
    out += fmt::format("{},{},{},{}\n", r.time, r.component, r.metric, r.value);
  return out;
}

std::string to_csv(const std::vector<LatencyRow>& rows) {
  std::string out = "class,upper_bound_s,count\n";
  for (const auto& r : rows)
    out += fmt::format("{},{},{}\n", r.request_class, r.upper_bound_s, r.count);
  return out;
}

// The setup is always quoted (it may hold a comma); money per month to the cent.
std::string to_csv(const std::vector<CostRow>& rows) {
  std::string out = "period,component,setup,count,hourly_usd,monthly_usd\n";
  for (const auto& r : rows)
    out += fmt::format("{},{},{},{},{},{:.2f}\n", r.period, r.component, csv_quoted(r.setup),
                       r.count, r.hourly_usd, r.monthly_usd);
  return out;
}

void from_csv(const CsvRowIn& in, TimeseriesRow& r) {
  r.time = in.number("time");
  r.component = in.text("component");
  r.metric = in.text("metric");
  r.value = in.number("value");
}

void from_csv(const CsvRowIn& in, LatencyRow& r) {
  r.request_class = in.text("class");
  r.upper_bound_s = in.number("upper_bound_s");
  r.count = in.integer<std::uint64_t>("count");
}

// setup, count and hourly_usd are optional: the report only needs what it charts.
void from_csv(const CsvRowIn& in, CostRow& r) {
  r.period = in.text("period");
  r.component = in.text("component");
  r.setup = in.text("setup");
  r.monthly_usd = in.number("monthly_usd");
  if (in.has("count")) r.count = in.integer<int>("count");
  if (in.has("hourly_usd")) r.hourly_usd = in.number("hourly_usd");
}

// ---- The run directory ----------------------------------------------------------------------

namespace {

// `expected`: what the file is ("the summary.json that capsim writes into its --out DIR").
[[noreturn]] void no_such_file(const fs::path& dir, const std::string& file,
                               const std::string& expected) {
  throw_input_error(file, "",
                    "no such file (expected " + expected + "; is " + dir.string() +
                        " the directory given to --out?)");
}

template <class File>
File read_json_file(const fs::path& dir, const std::string& name, const std::string& expected) {
  std::string file = (dir / name).string();
  std::error_code ec;
  if (!fs::exists(file, ec)) no_such_file(dir, file, expected);
  config::ReadContext ctx{file, {}};
  auto j = config::load_json_file(file, ctx);
  if (!j) throw core::InputError(ctx.diagnostics);
  if (!j->is_object())
    throw_input_error(
        file, "",
        "is " + config::json_type_name(*j) + " (expected a JSON object: " + expected + ")");
  File f;
  from_json(JsonIn{file, "", &*j}, f);
  return f;
}

template <class Row>
std::vector<Row> read_csv_file(const fs::path& dir, const std::string& name,
                               const std::vector<std::string>& required,
                               const std::string& expected) {
  std::string file = (dir / name).string();
  std::string columns;
  for (const auto& c : required) columns += (columns.empty() ? "" : ",") + c;
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!fs::exists(file, ec) || !in)
    no_such_file(dir, file, expected + " with the columns " + columns);
  CsvTable table = parse_csv(file, in, required);
  std::vector<Row> rows(table.rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) from_csv(CsvRowIn{table, table.rows[i]}, rows[i]);
  return rows;
}

}  // namespace

RunFile read_run_file(const std::string& dir) {
  return read_json_file<RunFile>(dir, "run.json",
                                 "the run.json that capsim writes into its --out DIR");
}

SummaryFile read_summary_file(const std::string& dir) {
  return read_json_file<SummaryFile>(dir, "summary.json",
                                     "the summary.json that capsim writes into its --out DIR");
}

TimelineFile read_timeline_file(const std::string& dir) {
  return read_json_file<TimelineFile>(dir, "timeline.json",
                                      "the timeline.json that capsim drill --out DIR writes");
}

PlanFile read_plan_file(const std::string& dir) {
  return read_json_file<PlanFile>(dir, "plan.json",
                                  "the plan.json that capsim plan --out DIR writes");
}

std::vector<TimeseriesRow> read_timeseries_csv(const std::string& dir) {
  return read_csv_file<TimeseriesRow>(dir, "timeseries.csv",
                                      {"time", "component", "metric", "value"},
                                      "the timeseries.csv that capsim writes into its --out DIR");
}

std::vector<LatencyRow> read_latency_csv(const std::string& dir) {
  return read_csv_file<LatencyRow>(dir, "latency.csv", {"class", "upper_bound_s", "count"},
                                   "the latency histogram that capsim writes into its --out DIR");
}

std::vector<CostRow> read_costs_csv(const std::string& dir) {
  return read_csv_file<CostRow>(dir, "costs.csv", {"period", "component", "monthly_usd"},
                                "the cost table that capsim plan writes into its --out DIR");
}

RunDir read_run_dir(const std::string& dir_name) {
  fs::path dir(dir_name);
  std::error_code ec;
  const std::string what =
      "a run directory: the DIR that capsim simulate, drill or plan wrote with --out DIR";
  if (!fs::exists(dir, ec))
    throw_input_error(dir_name, "", "no such directory (expected " + what + ")");
  if (!fs::is_directory(dir, ec))
    throw_input_error(dir_name, "", "is a file (expected " + what + ")");
  auto exists = [&](const char* name) { return fs::exists(dir / name, ec); };

  RunDir r;
  r.dir = dir_name;
  r.run = read_run_file(dir_name);
  const std::string& command = r.run.command;
  if (command != "simulate" && command != "drill" && command != "plan")
    throw_input_error((dir / "run.json").string(), "/command",
                      "\"" + command +
                          "\" is not a run capsim report draws (expected \"simulate\", " +
                          "\"drill\" or \"plan\")");
  bool simulated = command != "plan";  // a plan may keep its chosen setup's simulation too
  if (simulated || exists("summary.json")) r.summary = read_summary_file(dir_name);
  if (simulated || exists("timeseries.csv")) r.timeseries = read_timeseries_csv(dir_name);
  if (simulated || exists("latency.csv")) r.latency = read_latency_csv(dir_name);
  if (command == "drill") r.timeline = read_timeline_file(dir_name);
  if (command == "plan") {
    if (exists("plan.json") || !exists("costs.csv")) r.plan = read_plan_file(dir_name);
    if (exists("costs.csv")) r.costs = read_costs_csv(dir_name);
  }
  return r;
}

}  // namespace capsim::output
