#include "models/qdrant/rules.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::models {

double qdrant_shard_cost(double base_time, long long points_per_shard) {
  // Each shard holds its own HNSW graph (docs/SEMANTICS.md 2.7: a search fans out to every shard).
  // HNSW search cost grows with the logarithm of the number of points (Malkov & Yashunin,
  // "Efficient and robust approximate nearest neighbor search using HNSW graphs", IEEE TPAMI 2018:
  // logarithmic complexity scaling), not linearly: a linear rule would be a brute-force scan and
  // would make 10x the data cost 10x, where HNSW pays ~ +1/6 per decade at 10^6 points. So the
  // call's time, taken as the cost at 10^6 points per shard, is scaled by ln(n) / ln(10^6). n is
  // floored at 2 so a (near-)empty shard still costs a little rather than nothing.
  if (points_per_shard < 0) return base_time;
  double n = static_cast<double>(std::max(points_per_shard, 2LL));
  return base_time * std::log(n) / std::log(static_cast<double>(kQdrantReferencePoints));
}

std::vector<std::vector<int>> qdrant_placement(int nodes, int shards, int replication_factor) {
  // Qdrant's ShardDistributionProposal (qdrant/qdrant lib/storage/src/content_manager/
  // shard_distribution.rs): a min-heap of peers by shard count; each replica of each shard goes to
  // the peer with the fewest shards so far ("all peers have the same number of shards at the
  // end"), at most one replica per peer ("There should not be more than 1 replica per peer":
  // min(replication_factor, peers)). Qdrant breaks ties by a random per-peer bias; capsim by node
  // index, which makes the placement round-robin: replica r of shard s on node (s x rf + r) mod
  // nodes. replication_factor default 1, shard_number = nodes (docs/SEMANTICS.md 2.7).
  std::vector<std::vector<int>> placement;
  if (nodes <= 0 || shards <= 0) return placement;
  int rf = std::clamp(replication_factor, 1, nodes);
  std::vector<int> count(nodes, 0);
  placement.resize(shards);
  for (int s = 0; s < shards; ++s) {
    for (int r = 0; r < rf; ++r) {
      int best = -1;
      for (int n = 0; n < nodes; ++n) {
        if (std::find(placement[s].begin(), placement[s].end(), n) != placement[s].end()) continue;
        if (best < 0 || count[n] < count[best]) best = n;
      }
      ++count[best];
      placement[s].push_back(best);
    }
  }
  return placement;
}

}  // namespace capsim::models
