// The run directory's schema: what `capsim simulate|drill|plan --out DIR` writes and `capsim
// report DIR` reads back, one struct per file with its to_json / from_json (CSV: to_csv /
// from_csv), written once for both sides.
//
//   run.json          RunFile              the command, seed and inputs as given
//   summary.json      SummaryFile          topologies/schema/summary.schema.json (simulate, drill)
//   timeline.json     TimelineFile         topologies/schema/timeline.schema.json (drill)
//   plan.json         PlanFile             topologies/schema/plan.schema.json (plan)
//   timeseries.csv    TimeseriesRow        one sample of replication 0 per row (simulate, drill)
//   latency.csv       LatencyRow           the latency histogram, all replications (simulate,
//   drill) costs.csv         CostRow              one tier of one period per row (plan)
//
// The structs mirror the files key by key. Reading accepts what `capsim report` always has: the
// figures the page cannot do without are required (a missing one is an error naming the file, the
// JSON pointer and what was expected); std::optional marks the values it shows as "–" when a
// hand-made or trimmed file leaves them out; the rest, which capsim always writes, take their
// defaults when absent. Fields keep the writers' types (integers stay integers) so that a file
// written from these structs is byte for byte what capsim has always written.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output/checked_reader.hpp"

namespace capsim::output {

constexpr int kSummaryVersion = 1;
constexpr int kTimelineVersion = 1;
constexpr int kPlanVersion = 1;

// A CI half-width as the files hold it: null where it is NaN (one replication).
inline std::optional<double> finite_or_none(double v) {
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

struct TopologyRef {
  std::string name, file;
  bool operator==(const TopologyRef&) const = default;
};

// ---- run.json -------------------------------------------------------------------------------

struct RunFile {
  std::string capsim, command;  // capsim's version; simulate, drill or plan
  std::optional<std::uint64_t> seed;
  int replications = 0;
  nlohmann::json inputs;  // the input files' JSON and the options, as given: free-form
  bool operator==(const RunFile&) const = default;
};

// ---- summary.json ---------------------------------------------------------------------------

struct SummaryFile {
  // The mean over replications and the half-width of its 95% CI (none with one replication).
  struct Estimate {
    double mean = 0;
    std::optional<double> ci95;
    bool operator==(const Estimate&) const = default;
  };
  struct Load {
    std::optional<double> rps;
    std::string source, arrival;
    bool operator==(const Load&) const = default;
  };
  struct Run {
    std::optional<double> duration_s, warmup_s;
    std::uint64_t seed = 0;
    std::optional<int> replications;
    std::uint64_t shed = 0;
    bool operator==(const Run&) const = default;
  };
  struct Latency {
    Estimate mean, p50, p95, p99, p999;
    bool operator==(const Latency&) const = default;
  };
  struct Class {
    std::string name;
    Estimate throughput_rps, error_rate;
    Latency latency_s;
    std::uint64_t completed = 0, failed = 0;
    std::map<std::string, double> errors;  // by cause
    bool operator==(const Class&) const = default;
  };
  struct Component {
    std::string name, kind;
    std::optional<int> instances;
    Estimate utilisation, service_utilisation, mean_queue;
    std::optional<double> max_queue;
    Estimate mean_wait_s, throughput_rps, turned_away;
    bool saturated = false, bottleneck = false;
    std::map<std::string, Estimate> extra;
    bool operator==(const Component&) const = default;
  };
  struct SloCheck {
    std::string subject;
    double value = 0;
    std::optional<double> ci95;
    double target = 0;
    bool pass = false, uncertain = false;
    bool operator==(const SloCheck&) const = default;
  };
  struct Slo {
    std::string file;
    bool pass = false;
    std::vector<SloCheck> checks;
    bool operator==(const Slo&) const = default;
  };

  std::string capsim, command;
  TopologyRef topology;
  Load load;
  Run run;
  std::vector<Class> classes;
  std::vector<Component> components;
  std::vector<std::string> saturated;  // bottlenecks first
  std::optional<Slo> slo;              // with --slo
  bool operator==(const SummaryFile&) const = default;
};

// ---- timeline.json --------------------------------------------------------------------------

struct TimelineFile {
  struct Event {
    double time_s = 0;
    std::string component, event, detail;
    bool operator==(const Event&) const = default;
  };
  struct PhaseClass {
    std::string name;
    std::optional<std::uint64_t> requests;
    std::optional<double> throughput_rps, error_rate;
    std::map<std::string, std::uint64_t> errors;  // by cause
    std::optional<double> p50_s, p95_s, p99_s;
    bool operator==(const PhaseClass&) const = default;
  };
  struct Phase {
    std::string name;  // before, during, after
    double from_s = 0, to_s = 0;
    std::vector<PhaseClass> classes;
    bool operator==(const Phase&) const = default;
  };
  struct LostWrites {
    std::optional<double> count, lag_s;
    bool operator==(const LostWrites&) const = default;
  };
  struct Verdict {
    bool pass = false;
    std::vector<std::string> reasons;
    bool operator==(const Verdict&) const = default;
  };
  struct Recovery {
    std::optional<double> mean_s, ci95_s;
    std::vector<double> samples_s;
    int not_recovered = 0;
    bool operator==(const Recovery&) const = default;
  };
  struct ErrorsUntil {
    std::optional<double> mean_s;
    std::vector<double> samples_s;
    bool operator==(const ErrorsUntil&) const = default;
  };

  std::string scenario;
  double fault_at_s = 0;
  std::optional<double> recovered_at_s, time_to_recover_s;  // null: not recovered
  double window_s = 0;
  std::vector<Event> events;
  std::vector<Phase> phases;
  LostWrites lost_writes;
  std::optional<Verdict> verdict;
  Recovery recovery;
  ErrorsUntil errors_until;
  bool operator==(const TimelineFile&) const = default;
};

// ---- plan.json ------------------------------------------------------------------------------

struct PlanFile {
  struct Catalog {
    std::string file, provider, region, currency, date;
    double hours_per_month = 0;
    bool operator==(const Catalog&) const = default;
  };
  struct Tier {
    std::string component, setup;
    int count = 0;
    std::string instance, mode;
    double monthly_usd = 0, utilisation = 0, predicted_utilisation = 0;
    bool operator==(const Tier&) const = default;
  };
  struct Drill {
    std::string target;
    bool pass = false;
    std::optional<double> recovery_s;  // null: the SLO never held again
    double error_rate = 0;
    std::string note;
    bool operator==(const Drill&) const = default;
  };
  struct RunnerUp {
    std::map<std::string, std::string> setup;
    double monthly_usd = 0;
    bool confirmed = false;
    bool operator==(const RunnerUp&) const = default;
  };
  struct Period {
    std::string period;  // 2027-01
    std::optional<double> peak_rps;
    bool recommended = false;
    std::string why_not;
    std::map<std::string, std::string> setup;  // component: its setup in words
    std::vector<Tier> tiers;
    std::optional<double> p95_s;
    double p99_s = 0;
    std::map<std::string, double> p95_by_class_s, p99_by_class_s;
    double error_rate = 0;
    std::string binding;
    std::optional<double> monthly_usd;
    double delta_usd = 0, n_plus_1_premium_usd = 0;
    std::vector<std::string> changes;
    std::vector<Drill> drills;
    std::optional<RunnerUp> runner_up;
    int candidates_evaluated = 0, simulations = 0;
    bool operator==(const Period&) const = default;
  };
  struct Runway {
    std::string component, resource;
    std::optional<std::string> over_headroom, saturated;  // first month; null: not in the horizon
    bool operator==(const Runway&) const = default;
  };
  struct RuleOfThumbRow {
    std::string period;
    double mean_rps = 0, users = 0;
    int app_instances = 0, db_connections = 0;
    double redis_gb = 0;
    std::string database, redis;
    bool operator==(const RuleOfThumbRow&) const = default;
  };
  struct RuleOfThumb {
    std::vector<RuleOfThumbRow> rows;
    std::vector<std::string> comparison;
    bool operator==(const RuleOfThumb&) const = default;
  };

  std::string capsim;
  TopologyRef topology;
  std::string traffic, slo;
  double headroom = 0;
  Catalog catalog;
  std::vector<Period> periods;
  std::vector<Runway> runway;
  RuleOfThumb rule_of_thumb;
  double wall_seconds = 0;
  int simulations = 0;
  bool operator==(const PlanFile&) const = default;
};

// ---- The CSV files --------------------------------------------------------------------------

struct TimeseriesRow {
  double time = 0;
  std::string component;  // a component or a request class
  std::string metric;
  double value = 0;
  bool operator==(const TimeseriesRow&) const = default;
};

struct LatencyRow {
  std::string request_class;  // column "class"
  double upper_bound_s = 0;
  std::uint64_t count = 0;
  bool operator==(const LatencyRow&) const = default;
};

struct CostRow {
  std::string period, component, setup;
  int count = 0;  // machines billed
  double hourly_usd = 0, monthly_usd = 0;
  bool operator==(const CostRow&) const = default;
};

// ---- Writing and reading --------------------------------------------------------------------

void to_json(nlohmann::json& j, const TopologyRef& t);
void from_json(const JsonIn& in, TopologyRef& t);

void to_json(nlohmann::json& j, const RunFile& f);
void from_json(const JsonIn& in, RunFile& f);

void to_json(nlohmann::json& j, const SummaryFile::Estimate& e);
void from_json(const JsonIn& in, SummaryFile::Estimate& e);
void to_json(nlohmann::json& j, const SummaryFile::Class& c);
void from_json(const JsonIn& in, SummaryFile::Class& c);
void to_json(nlohmann::json& j, const SummaryFile::Component& c);
void from_json(const JsonIn& in, SummaryFile::Component& c);
void to_json(nlohmann::json& j, const SummaryFile::SloCheck& c);
void from_json(const JsonIn& in, SummaryFile::SloCheck& c);
void to_json(nlohmann::json& j, const SummaryFile& f);
void from_json(const JsonIn& in, SummaryFile& f);

void to_json(nlohmann::json& j, const TimelineFile::Event& e);
void from_json(const JsonIn& in, TimelineFile::Event& e);
void to_json(nlohmann::json& j, const TimelineFile::PhaseClass& c);
void from_json(const JsonIn& in, TimelineFile::PhaseClass& c);
void to_json(nlohmann::json& j, const TimelineFile::Phase& p);
void from_json(const JsonIn& in, TimelineFile::Phase& p);
void to_json(nlohmann::json& j, const TimelineFile& f);
void from_json(const JsonIn& in, TimelineFile& f);

void to_json(nlohmann::json& j, const PlanFile::Tier& t);
void from_json(const JsonIn& in, PlanFile::Tier& t);
void to_json(nlohmann::json& j, const PlanFile::Drill& d);
void from_json(const JsonIn& in, PlanFile::Drill& d);
void to_json(nlohmann::json& j, const PlanFile::Period& p);
void from_json(const JsonIn& in, PlanFile::Period& p);
void to_json(nlohmann::json& j, const PlanFile::Runway& r);
void from_json(const JsonIn& in, PlanFile::Runway& r);
void to_json(nlohmann::json& j, const PlanFile::RuleOfThumbRow& r);
void from_json(const JsonIn& in, PlanFile::RuleOfThumbRow& r);
void to_json(nlohmann::json& j, const PlanFile& f);
void from_json(const JsonIn& in, PlanFile& f);

// A CSV file's text: the header line, then a line per row.
std::string to_csv(const std::vector<TimeseriesRow>& rows);
std::string to_csv(const std::vector<LatencyRow>& rows);
std::string to_csv(const std::vector<CostRow>& rows);
void from_csv(const CsvRowIn& in, TimeseriesRow& r);
void from_csv(const CsvRowIn& in, LatencyRow& r);
void from_csv(const CsvRowIn& in, CostRow& r);

// ---- The run directory ----------------------------------------------------------------------

// Each file of the run directory `dir`, read and checked. A missing file is an InputError that asks
// whether `dir` is the directory given to --out.
RunFile read_run_file(const std::string& dir);
SummaryFile read_summary_file(const std::string& dir);
TimelineFile read_timeline_file(const std::string& dir);
PlanFile read_plan_file(const std::string& dir);
std::vector<TimeseriesRow> read_timeseries_csv(const std::string& dir);
std::vector<LatencyRow> read_latency_csv(const std::string& dir);
std::vector<CostRow> read_costs_csv(const std::string& dir);

// A run directory as `capsim report` draws it: run.json and the files its command wrote (a plan
// may keep its chosen setup's simulation beside them too).
struct RunDir {
  std::string dir;
  RunFile run;
  std::optional<SummaryFile> summary;
  std::vector<TimeseriesRow> timeseries;
  std::vector<LatencyRow> latency;
  std::optional<TimelineFile> timeline;  // drills
  std::optional<PlanFile> plan;          // plans, unless only costs.csv is there
  std::vector<CostRow> costs;            // plans
  bool operator==(const RunDir&) const = default;
};

RunDir read_run_dir(const std::string& dir);

}  // namespace capsim::output
