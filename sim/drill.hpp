// Drills: a scenario's actions played against the running components, the fate of every request
// logged by arrival time, and the analysis that splits the run into before / during / after the
// fault and finds when the SLO held again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/statistics.hpp"
#include "sim/component.hpp"

namespace capsim::sim {

class Engine;
struct Blueprint;

// A scenario's timed actions, as the engine plays them (models/blueprint.cpp converts a scenario
// file's).
struct ScenarioAction {
  double at = 0;                   // seconds from the start of the measured window
  std::string action;              // kill | restore | slow | partition | heal | traffic
  std::string target;              // as written: "api[2]", "pg.primary", "zone:a"; "" for traffic
  std::optional<double> duration;  // "for": undone after this long
  double factor = 1;               // slow: service time x factor; traffic: rate x factor
  // The target, parsed: component and role ("pg", "primary"), instance index, or zone.
  std::string component, role;
  std::optional<int> index;
  std::string zone;
};

struct Scenario {
  std::vector<ScenarioAction> actions;
};

// What "the SLO holds" means for the recovery search: an error-rate ceiling over all classes and,
// per class, latency quantiles that must stay under their targets.
struct RecoveryRule {
  double max_error_rate = 0.01;
  struct Target {
    double quantile;  // 0.95 for p95
    double seconds;
  };
  std::vector<std::vector<Target>> per_class;  // indexed by request class
};

struct DrillSpec {
  const Scenario* scenario = nullptr;
  RecoveryRule rule;
};

// Plays a scenario: each action at its time (relative to `start`), undone after its "for".
class ScenarioRunner {
 public:
  ScenarioRunner(Engine& engine, const Blueprint& system,
                 std::vector<std::unique_ptr<Component>>& components, Timeline& timeline,
                 std::function<void(double factor)> set_traffic);
  void schedule(const Scenario& scenario, double start);

 private:
  using Target = std::pair<int, int>;  // (component, instance)
  std::vector<Target> resolve(const ScenarioAction& a) const;
  void apply(const ScenarioAction& a);
  void act(const std::vector<Target>& targets, Fault fault, const std::string& what);
  std::string label(Target t) const;

  Engine& engine_;
  const Blueprint& system_;
  std::vector<std::unique_ptr<Component>>& components_;
  Timeline& timeline_;
  std::function<void(double)> set_traffic_;
  std::map<std::string, std::vector<Target>> killed_;  // by target text, for "restore"
};

// One request's fate, kept compactly (a drill logs every request).
struct RequestRecord {
  float start;    // arrival, seconds from the end of the warm-up
  float latency;  // seconds; for failures, until the failure
  std::uint16_t cls;
  std::uint16_t cause;  // 0 = ok; else an index into RequestLog::causes
};

class RequestLog {
 public:
  void add(double start, double latency, int cls, const char* cause);
  std::vector<RequestRecord> records;
  std::vector<std::string> causes{""};

 private:
  std::map<std::string, std::uint16_t> index_;
};

struct PhaseClass {
  std::string name;
  std::uint64_t requests = 0, failed = 0;
  std::map<std::string, std::uint64_t> errors;
  core::Histogram latency{0.01};
};

struct Phase {
  std::string name;  // before | during | after
  double from = 0, to = 0;
  double seconds = 0;  // its length, summed over the replications merged into it
  std::vector<PhaseClass> classes;
};

struct DrillResult {
  double fault_at = 0;                  // the first action, seconds from the end of the warm-up
  std::optional<double> recovered_at;   // when the SLO held again for good; nullopt: never
  double window = 1;                    // the recovery search's window length
  std::vector<Phase> phases;            // before, during, after
  std::vector<Timeline::Event> events;  // times from the end of the warm-up
  std::uint64_t lost_writes = 0;
  double lost_lag = 0;
  std::optional<double> first_error, last_error;  // failed requests after the fault
};

// The analysis of one replication's log.
DrillResult analyse_drill(const RequestLog& log, const std::vector<std::string>& class_names,
                          const RecoveryRule& rule, double fault_at, double duration, double rps);

}  // namespace capsim::sim
