// A Qdrant collection on a cluster of nodes (docs/SEMANTICS.md 2.7), with Qdrant's defaults.
// Defaults are the product's documented ones, each cited beside it; read_qdrant_params reads the
// component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"

namespace capsim::models {

struct QdrantParams : config::KindParams {
  int nodes = 1;
  int shards = 0;                    // 0 = number of nodes (qdrant distributed_deployment.md)
  int replication_factor = 1;        // qdrant: replication_factor 1
  int write_consistency_factor = 1;  // qdrant: write_consistency_factor 1
  std::optional<long long> points;   // collection size; per-shard cost grows with it
};

std::shared_ptr<const config::KindParams> read_qdrant_params(config::ObjectReader& r);

}  // namespace capsim::models
