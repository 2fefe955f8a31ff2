// A generic queueing station: c identical servers in front of one FCFS queue.
// Defaults are the product's documented ones, each cited beside it; read_station_params reads the
// component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "core/distribution.hpp"

namespace capsim::models {

// ---- component kinds ----------------------------------------------------------------------
struct StationParams : config::KindParams {  // generic c-server FCFS station
  int servers = 1;
  core::Distribution service = core::Distribution::exponential(0.001);
  std::optional<long long> queue_limit;  // waiting places; nullopt = unlimited
};

std::shared_ptr<const config::KindParams> read_station_params(config::ObjectReader& r);

}  // namespace capsim::models
