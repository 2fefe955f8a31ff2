// From the inputs as read (config/) to what the engine runs (sim/): a topology becomes a
// sim::Blueprint (names, zones, network, compiled call trees, and each component's model from its
// kind), a scenario file the engine's timed actions, a traffic file's arrival process the
// engine's.
#pragma once

#include <memory>
#include <vector>

#include "config/scenario.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "sim/blueprint.hpp"
#include "sim/drill.hpp"
#include "sim/simulation.hpp"

namespace capsim::models {

// The topology keeps its own copy: the blueprint outlives the caller's.
std::shared_ptr<const sim::Blueprint> blueprint(const config::Topology& t);
// A topology's call trees with component indices resolved.
std::vector<sim::CallPlan> compile_calls(const config::Topology& t,
                                         const std::vector<config::Call>& calls);
sim::Scenario scenario(const config::Scenario& s);
sim::ArrivalProcess arrivals(const config::ArrivalProcess& a);

}  // namespace capsim::models
