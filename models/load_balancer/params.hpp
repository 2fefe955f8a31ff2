// nginx's upstream settings (docs/SEMANTICS.md 2.8), with nginx's defaults.
// Defaults are the product's documented ones, each cited beside it; read_load_balancer_params reads
// the component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "core/distribution.hpp"

namespace capsim::models {

struct LoadBalancerParams : config::KindParams {  // nginx upstream semantics
  std::string upstream;
  std::string balance = "round_robin";  // nginx default: weighted round-robin
  int max_fails = 1;                    // nginx: max_fails=1
  double fail_timeout = 10;             // nginx: fail_timeout=10s
  int next_upstream_tries = 0;          // nginx: proxy_next_upstream_tries 0 (unlimited)
  double connect_timeout = 60;          // nginx: proxy_connect_timeout 60s
  double read_timeout = 60;             // nginx: proxy_read_timeout 60s
  core::Distribution cpu = core::Distribution::constant(50e-6);  // per proxied request (assumed)
  int instances = 1;
};

std::shared_ptr<const config::KindParams> read_load_balancer_params(config::ObjectReader& r);

}  // namespace capsim::models
