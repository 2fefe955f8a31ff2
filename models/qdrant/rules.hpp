// Qdrant's pure rules, testable without the engine (tests/models/qdrant/).
#pragma once

#include <vector>

namespace capsim::models {

// Reference shard size for qdrant_shard_cost: a call's `time` is its cost on a shard this big.
inline constexpr long long kQdrantReferencePoints = 1'000'000;

// The cost of searching one shard of `points_per_shard` points, given `base_time`, the cost at
// kQdrantReferencePoints. HNSW search grows with log(n): base_time x ln(n) / ln(10^6), with n at
// least 2. A negative `points_per_shard` means the size is unknown: base_time unchanged.
double qdrant_shard_cost(double base_time, long long points_per_shard);

// Which nodes hold each shard's replicas: placement[shard] lists replication_factor distinct
// nodes (at most `nodes`), each replica on the least-loaded node so far, ties to the lowest index.
std::vector<std::vector<int>> qdrant_placement(int nodes, int shards, int replication_factor);

}  // namespace capsim::models
