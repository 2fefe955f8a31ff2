// PostgreSQL with streaming replicas (docs/SEMANTICS.md 2.4) and its failover manager (Patroni,
// docs/SEMANTICS.md 2.5). Defaults are the product's documented ones, each cited beside it;
// read_postgres_params reads the component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "core/distribution.hpp"

namespace capsim::models {

struct PatroniSettings {            // patroni dynamic_configuration.rst
  std::string manager = "patroni";  // or "manual"
  double ttl = 30;
  double loop_wait = 10;
  double retry_timeout = 10;
  double maximum_lag_on_failover = 1048576;  // bytes
};

struct PostgresParams : config::KindParams {
  int read_replicas = 0;
  std::string replication = "async";  // postgres: asynchronous streaming replication
  core::Distribution replication_lag =
      core::Distribution::exponential(0.1);  // "typically under one second"
  int max_connections = 100;                 // postgresql.conf.sample: max_connections 100
  std::string reads = "replicas";            // where read queries go: replicas | primary
  PatroniSettings failover;
};

std::shared_ptr<const config::KindParams> read_postgres_params(config::ObjectReader& r);

}  // namespace capsim::models
