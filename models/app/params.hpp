// Stateless app replicas running gunicorn-style workers (docs/SEMANTICS.md 2.10), with an optional
// autoscaler (docs/SEMANTICS.md 2.9). Defaults are the product's documented ones, each cited beside
// it; read_app_params reads the component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "sim/autoscaler.hpp"

namespace capsim::models {

struct AppParams : config::KindParams {  // gunicorn-style app replicas
  int replicas = 1;
  int workers = 0;           // 0 = 2 x vCPUs + 1 (gunicorn design docs)
  double timeout = 30;       // gunicorn: timeout 30s
  long long backlog = 2048;  // gunicorn: backlog 2048
  sim::Autoscale autoscale;
};

std::shared_ptr<const config::KindParams> read_app_params(config::ObjectReader& r);

}  // namespace capsim::models
