// What `capsim plan` may change on a component, what a choice costs, and which loss drill checks
// that it survives a failure: one kind's part of the planner (plan/ asks the registry for it).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "config/topology.hpp"

namespace capsim::models {

// One component's setup. `count` is the kind's scalable count (app replicas, postgres read
// replicas, redis masters in a cluster, ...: Planning::noun says which).
struct Choice {
  int count = 1;
  std::string instance;  // "" when the component names no instance type
  std::string mode;      // "" for kinds with one mode
  bool operator==(const Choice& o) const {
    return count == o.count && instance == o.instance && mode == o.mode;
  }
};

// The range a component's choice may take.
struct Knob {
  int min = 1, max = 1;
  std::vector<std::string> instances;  // at least the component's own (or "")
  std::vector<std::string> modes;      // at least its own ("" for kinds with one mode)
};

struct Planning {
  // The choice the topology makes as written: its count and mode (the instance type is generic).
  std::function<int(const config::Component&)> count;
  std::function<std::string(const config::Component&)> mode;  // empty: one mode
  // What the count means: "replicas", "read replicas", "nodes"; empty: "instances".
  std::function<std::string(const Choice&)> noun;
  // The count's range when the topology's "plan" key does not say; empty: as written.
  std::function<std::pair<int, int>(int written)> default_range;
  // The component with the choice's count and mode applied to its settings.
  std::function<void(config::Component&, const Choice&)> apply;
  // What follows the machine when the instance type changes (`old_vcpus` before; c.vcpus after).
  std::function<void(config::Component&, int old_vcpus)> rehost;
  // Machines billed for a choice; empty: the count.
  std::function<int(const config::Component&, const Choice&)> billed;
  // "primary + 2 replicas m6i.xlarge"; empty: "4 x c6i.large".
  std::function<std::string(const config::Component&, const Choice&)> describe;
  // The least count a choice may have (a replica to fail over to); empty: the knob's minimum.
  std::function<int(const Choice&, bool n_plus_1)> least;
  // How a larger count reads in the change list, when "replicas 2 -> 3" is not how one says it.
  std::function<std::string(const Choice& from, const Choice& to)> grow_text;
};

// What a loss drill kills of a component: an instance in a role ("pg.primary"), an instance by
// index ("api[0]"), or both ("vectors.node[0]").
struct LossTarget {
  std::string role;
  std::optional<int> index;
};

struct LossDrill {
  // Empty, or nullopt: the kind has nothing to lose one of.
  std::function<std::optional<LossTarget>(const config::Component&)> target;
  // Drilled at every period (failover protocols, nginx's retries), not only when its setup
  // changes (survival that is only a matter of capacity).
  bool every_period = false;
  // A failed drill is fixed by one more instance (the survivors share the load).
  bool more_instances_help = false;
};

// A component's settings as its kind's type, to change: a copy, which the component now holds.
// The planner changes copies of topologies; the params they share stay as they were.
template <typename Params>
Params& edit(config::Component& c) {
  auto copy = std::make_shared<Params>(c.as<Params>());
  Params& params = *copy;
  c.params = std::move(copy);
  return params;
}

}  // namespace capsim::models
