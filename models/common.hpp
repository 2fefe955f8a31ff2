// What every model file includes: the component contract and the engine's building blocks.
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include "config/topology.hpp"
#include "sim/component.hpp"
#include "sim/engine.hpp"
#include "sim/flow.hpp"
#include "sim/worker_pool.hpp"

namespace capsim::models {

// Failure causes more than one model recognises.
inline constexpr const char* kDatabaseDown = "database down";

// "15 s", "500 ms": durations in timeline details.
std::string fmt_seconds(double seconds);

// One factory per kind; models/registry.cpp puts them in the kind table.
std::unique_ptr<sim::Component> make_station(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_load_balancer(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_app(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_pgbouncer(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_postgres(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_redis(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_qdrant(const config::Component&, sim::ModelContext&);
std::unique_ptr<sim::Component> make_worker_queue(const config::Component&, sim::ModelContext&);

}  // namespace capsim::models
