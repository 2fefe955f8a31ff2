// What every model file includes: the component contract and the engine's building blocks.
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include "config/topology.hpp"
#include "sim/blueprint.hpp"
#include "sim/component.hpp"
#include "sim/engine.hpp"
#include "sim/flow.hpp"
#include "sim/worker_pool.hpp"

namespace capsim::models {

// Failure causes more than one model recognises.
inline constexpr const char* kDatabaseDown = "database down";

// "15 s", "500 ms": durations in timeline details.
std::string fmt_seconds(double seconds);

// "1 server", "3 servers".
std::string plural(long long n, const std::string& one, const std::string& many);

}  // namespace capsim::models
