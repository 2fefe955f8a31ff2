// A system as the engine runs it: the plain data one replication needs (component names and zones,
// the network, the request classes' and jobs' compiled call trees) and one factory per component
// that builds its model. sim/ knows no input format and no kind: models/blueprint.cpp makes a
// Blueprint from a topology, with each kind's model from the registry.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/component.hpp"

namespace capsim::sim {

struct Network {
  double rtt = 0;             // within a zone, round trip
  double cross_zone_rtt = 0;  // between zones, round trip
};

struct ComponentInfo {
  std::string name, kind;
  std::vector<std::string> zones;  // its own; empty: the system's
};

struct RequestClassPlan {
  std::string name;
  double share = 0;
  bool idempotent = true;
  std::vector<CallPlan> calls;
};

struct JobPlan {
  std::string name;
  int priority = 0;  // BullMQ's: 0 first, then 1 (highest) to 2,097,152
  std::vector<CallPlan> calls;
};

// Builds component i's model; called once per replication, in component order.
using ComponentFactory = std::function<std::unique_ptr<Component>(ModelContext&)>;

struct Blueprint {
  std::string name;
  std::vector<std::string> zones;
  Network network;
  std::vector<ComponentInfo> components;
  std::vector<ComponentFactory> factories;  // by component index
  std::vector<RequestClassPlan> requests;
  std::vector<JobPlan> jobs;

  int index_of(const std::string& component) const;  // -1 when absent
};

}  // namespace capsim::sim
