// PgBouncer's settings (docs/SEMANTICS.md 2.6), with PgBouncer's defaults.
// Defaults are the product's documented ones, each cited beside it; read_pgbouncer_params reads the
// component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "core/distribution.hpp"

namespace capsim::models {

struct PgBouncerParams : config::KindParams {  // pgbouncer config.md defaults
  std::string server;
  std::string pool_mode = "session";  // pgbouncer: pool_mode session
  int default_pool_size = 20;         // pgbouncer: default_pool_size 20
  int reserve_pool_size = 0;          // pgbouncer: reserve_pool_size 0
  double reserve_pool_timeout = 5;    // pgbouncer: reserve_pool_timeout 5.0s
  int max_client_conn = 100;          // pgbouncer: max_client_conn 100
  double query_wait_timeout = 120;    // pgbouncer: query_wait_timeout 120s
  double server_login_retry = 15;     // pgbouncer: server_login_retry 15s
  int instances = 1;
  core::Distribution cpu =
      core::Distribution::constant(30e-6);  // per transaction on its single core (assumed)
};

std::shared_ptr<const config::KindParams> read_pgbouncer_params(config::ObjectReader& r);

}  // namespace capsim::models
