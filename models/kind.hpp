// Everything capsim knows about one component kind, in one record. Each kind's folder under models/
// fills one (models/<kind>/kind.cpp) and models/registry.cpp lists them: config/ reads topologies
// with their syntax, sim/ runs their models, analysis/ asks their failure rules and plan/ their
// knobs, analytic step and loss drills. Nothing outside a kind's folder names the kind.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "config/kinds.hpp"
#include "models/analytic.hpp"
#include "models/planning.hpp"
#include "sim/component.hpp"

namespace capsim::models {

// Why one failed instance takes a component out of service (analysis/graph.cpp).
struct Spof {
  using Breaks = std::function<bool(const std::set<std::string>& queries)>;
  explicit Spof(std::string note = "", std::string losing = "losing it", Breaks breaks = {})
      : note(std::move(note)), losing(std::move(losing)), breaks(std::move(breaks)) {}

  std::string note;    // "1 instance", "one primary, failover is manual", ...
  std::string losing;  // what the failure is, in the message
  // Which callers the loss breaks, by the queries they send it (PostgreSQL with manual failover:
  // only those that need the primary). Empty: every caller that needs the component.
  Breaks breaks;
};

struct Kind {
  config::KindSyntax syntax;  // its settings, references, roles and the calls it takes

  // sim: the component's model behind the engine's contract (sim/component.hpp).
  std::function<std::unique_ptr<sim::Component>(const config::Component&, sim::ModelContext&)> make;

  // analysis: how many instances it runs as written, a note for the graph's label ("4 servers",
  // "primary + 2 replicas", "sentinel"; "" for none), and whether one failure takes it out.
  std::function<long long(const config::Component&)> instances;
  std::function<std::string(const config::Component&)> detail;
  std::function<std::optional<Spof>(const config::Component&)> spof;

  // plan: what the planner may change and what each choice costs (models/planning.hpp), the
  // planner's fast model of a visit and of the tier (models/analytic.hpp), and the loss drill.
  Planning planning;
  Analytic analytic;
  LossDrill loss;
};

}  // namespace capsim::models
