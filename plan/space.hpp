// What the planner may change on a topology: one choice per component (a count, an instance
// type, a redis mode), the ranges it may pick them from, and a topology with a choice applied.
#pragma once

#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/topology.hpp"

namespace capsim::plan {

// One component's setup. `count` is the kind's scalable count: app replicas, worker_queue workers,
// postgres read replicas, qdrant nodes, pgbouncer / load_balancer instances, station servers,
// redis masters (cluster) or replicas per master (sentinel; standalone has none).
struct Choice {
  int count = 1;
  std::string instance;  // "" when the component names no instance type
  std::string mode;      // redis only
  bool operator==(const Choice& o) const {
    return count == o.count && instance == o.instance && mode == o.mode;
  }
};
using Setup = std::vector<Choice>;  // by component index

// The range a component's choice may take.
struct Knob {
  int min = 1, max = 1;
  std::vector<std::string> instances;  // at least the component's own (or "")
  std::vector<std::string> modes;      // redis: at least its own; others: {""}
};

Choice current_choice(const config::Component& c);
// Each component's knob: the topology's "plan" key, else the defaults per kind (README).
std::vector<Knob> knobs(const config::Topology& t);
// The topology with `setup` applied: counts, instance types (vCPUs from the catalog), modes.
config::Topology apply(const config::Topology& t, const Setup& setup,
                       const config::Catalog& catalog);
// Machines billed for a component under a choice (a Sentinel's sentinels share the data nodes).
int billed_machines(const config::Component& c, const Choice& choice);
double monthly_cost(const config::Component& c, const Choice& choice,
                    const config::Catalog& catalog);
// "4 x c6i.large", "primary + 2 replicas, m6i.xlarge", "sentinel: 1 + 2 replicas, r6g.large".
std::string describe(const config::Component& c, const Choice& choice);
// What the count means for this kind ("replicas", "read replicas", "nodes", ...).
std::string count_noun(const config::Component& c, const Choice& choice);

}  // namespace capsim::plan
