#include "models/decisions.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::models {

double bullmq_backoff(const std::string& type, double delay, int attempts_made) {
  // docs/SEMANTICS.md 2.11 (BullMQ): "No backoff configured: retry immediately. `fixed`: every `delay`
  // ms. `exponential`: 2^(attemptsMade-1) x delay (e.g. 1 s, 2 s, 4 s)" -- docs.bullmq.io
  // guide/retrying-failing-jobs; src/classes/backoffs.ts. attemptsMade counts the failed tries so
  // far (>= 1 when the backoff is computed). backoffs.ts rounds the result to whole milliseconds
  // (Math.round on a delay in ms). Older BullMQ releases used (2^attemptsMade - 1) x delay; capsim
  // follows the current documentation.
  if (type == "fixed") return std::max(0.0, delay);
  if (type == "exponential") {
    int n = std::max(1, attempts_made);
    double ms = std::round(std::ldexp(delay * 1e3, n - 1));
    return std::max(0.0, ms / 1e3);
  }
  return 0;  // "none": retried without delay as soon as it fails
}

double qdrant_shard_cost(double base_time, long long points_per_shard) {
  // Each shard holds its own HNSW graph (docs/SEMANTICS.md 2.7: a search fans out to every shard). HNSW
  // search cost grows with the logarithm of the number of points (Malkov & Yashunin, "Efficient
  // and robust approximate nearest neighbor search using HNSW graphs", IEEE TPAMI 2018:
  // logarithmic complexity scaling), not linearly: a linear rule would be a brute-force scan and
  // would make 10x the data cost 10x, where HNSW pays ~ +1/6 per decade at 10^6 points. So the
  // call's time, taken as the cost at 10^6 points per shard, is scaled by ln(n) / ln(10^6). n is
  // floored at 2 so a (near-)empty shard still costs a little rather than nothing.
  if (points_per_shard < 0) return base_time;
  double n = static_cast<double>(std::max(points_per_shard, 2LL));
  return base_time * std::log(n) / std::log(static_cast<double>(kQdrantReferencePoints));
}

double redis_hit_ratio(double configured, std::optional<double> maxmemory,
                       std::optional<double> working_set) {
  double ratio = std::clamp(configured, 0.0, 1.0);
  // redis.conf (RC): maxmemory 0 means no limit (not in docs/SEMANTICS.md). When the working set is
  // larger than maxmemory, eviction keeps at most maxmemory of it; with accesses spread over the
  // working set, only that fraction can hit (uniform access: a pessimistic bound under skew).
  if (!maxmemory || !working_set || *maxmemory <= 0 || *working_set <= *maxmemory) return ratio;
  return ratio * (*maxmemory / *working_set);
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

int redis_master_for_slot(int slot, int masters) {
  // docs/SEMANTICS.md 2.2: the key space is 16384 slots (RD reference/cluster-spec.md); keys hash
  // uniformly over them (CRC16 mod 16384). `redis-cli --cluster create` gives each master a
  // contiguous range of 16384 / masters slots (3 masters: 0-5460, 5461-10922, 10923-16383).
  if (masters <= 1) return 0;
  double per_master = static_cast<double>(kRedisClusterSlots) / masters;
  long first = 0;
  double cursor = 0;
  for (int m = 0; m < masters; ++m) {
    long last = std::lround(cursor + per_master - 1);
    if (last > kRedisClusterSlots - 1 || m == masters - 1) last = kRedisClusterSlots - 1;
    if (last < first) last = first;
    if (slot <= last) return m;
    first = last + 1;
    cursor += per_master;
  }
  return masters - 1;
}

// ngx_http_upstream_module: "max_fails: the number of unsuccessful attempts to communicate with
// the server that should happen in the duration set by fail_timeout to consider the server
// unavailable for a duration also set by fail_timeout"; "if there is only a single server in a
// group, max_fails, fail_timeout and slow_start parameters are ignored, and such a server will
// never be considered unavailable" (docs/SEMANTICS.md 2.8).
bool nginx_record_failure(PeerHealth& peer, double now, int max_fails, double fail_timeout,
                          int servers) {
  if (max_fails == 0 || servers <= 1) return false;
  auto& f = peer.failures;
  f.push_back(now);
  f.erase(f.begin(),
          std::find_if(f.begin(), f.end(), [&](double t) { return t > now - fail_timeout; }));
  if (static_cast<int>(f.size()) < max_fails) return false;
  peer.down_until = now + fail_timeout;
  f.clear();
  return true;
}

bool nginx_available(const PeerHealth& peer, double now, int servers) {
  return servers <= 1 || peer.down_until <= now;
}

double postgres_sync_commit_wait(double network_rtt) {
  // docs/SEMANTICS.md 2.4: "Commit wait is at least one primary<->standby round trip"
  // (high-availability.sgml). The round trip is the topology's network rtt; a topology without
  // one (rtt 0) gets 1 ms, an assumed same-site round trip, so sync replication is never free.
  return network_rtt > 0 ? network_rtt : 0.001;
}

}  // namespace capsim::models
