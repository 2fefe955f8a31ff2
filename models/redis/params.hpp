// Redis standalone, Sentinel or Cluster (docs/SEMANTICS.md 2.1-2.3), with Redis's defaults.
// Defaults are the product's documented ones, each cited beside it; read_redis_params reads the
// component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "core/distribution.hpp"

namespace capsim::models {

struct RedisParams : config::KindParams {
  std::string mode = "standalone";  // standalone | sentinel | cluster
  int masters = 1;                  // cluster: number of master shards
  int replicas = 0;                 // replicas per master
  int sentinels = 3;
  int quorum = 2;
  double down_after = 30;             // sentinel.conf: down-after-milliseconds 30000
  double failover_timeout = 180;      // sentinel.conf: failover-timeout 180000
  double node_timeout = 15;           // redis.conf: cluster-node-timeout 15000
  bool require_full_coverage = true;  // redis.conf: cluster-require-full-coverage yes
  core::Distribution op_cost =
      core::Distribution::constant(1.0 / 180000);  // redis benchmarks: SET 180k rps
  std::optional<double> maxmemory;                 // bytes
  std::optional<double> working_set;  // bytes; hit ratio falls when it exceeds maxmemory
};

std::shared_ptr<const config::KindParams> read_redis_params(config::ObjectReader& r);

}  // namespace capsim::models
