// What the planner may change on a topology: one choice per component (its kind's count, an
// instance type, a mode), the ranges it may pick them from, and a topology with a choice applied.
// What a count means and what a choice costs is each kind's (models/planning.hpp).
#pragma once

#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/topology.hpp"
#include "models/planning.hpp"

namespace capsim::plan {

using models::Choice;
using models::Knob;
using Setup = std::vector<Choice>;  // by component index

Choice current_choice(const config::Component& c);
// Each component's knob: the topology's "plan" key, else its kind's defaults.
std::vector<Knob> knobs(const config::Topology& t);
// The topology with `setup` applied: counts, instance types (vCPUs from the catalog), modes.
config::Topology apply(const config::Topology& t, const Setup& setup,
                       const config::Catalog& catalog);
// Machines billed for a component under a choice (a Sentinel's sentinels share the data nodes).
int billed_machines(const config::Component& c, const Choice& choice);
double monthly_cost(const config::Component& c, const Choice& choice,
                    const config::Catalog& catalog);
// "4 x c6i.large", "primary + 2 replicas m6i.xlarge", "sentinel, 1 + 2 replicas r6g.large".
std::string describe(const config::Component& c, const Choice& choice);
// What the count means for this kind ("replicas", "read replicas", "nodes", ...).
std::string count_noun(const config::Component& c, const Choice& choice);
// The least count a choice may have (a replica to fail over to).
int least_count(const config::Component& c, const Choice& choice, bool n_plus_1);
// "api: replicas 2 -> 3", "pg: add 1 read replica (2 in all)", "cache: standalone -> sentinel".
std::string change_text(const config::Component& c, const Choice& from, const Choice& to);

}  // namespace capsim::plan
