// The pure decisions behind the product models: no engine, no randomness, so each rule can be
// unit-tested against hand-derived values (tests/test_models.cpp). The models in models/*.cpp call
// these; the sources of the rules are cited in decisions.cpp next to each one.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capsim::models {

// BullMQ's delay before retrying a job that has failed `attempts_made` times (>= 1), in seconds:
// "none" (or no backoff) retries at once, "fixed" waits `delay`, "exponential" waits
// 2^(attempts_made - 1) x delay, rounded to the millisecond.
double bullmq_backoff(const std::string& type, double delay, int attempts_made);

// Reference shard size for qdrant_shard_cost: a call's `time` is its cost on a shard this big.
inline constexpr long long kQdrantReferencePoints = 1'000'000;

// The cost of searching one shard of `points_per_shard` points, given `base_time`, the cost at
// kQdrantReferencePoints. HNSW search grows with log(n): base_time x ln(n) / ln(10^6), with n at
// least 2. A negative `points_per_shard` means the size is unknown: base_time unchanged.
double qdrant_shard_cost(double base_time, long long points_per_shard);

// The hit ratio a Redis cache achieves: `configured` (the ratio when everything fits) scaled by
// the fraction of the working set that fits in maxmemory. maxmemory 0 means no limit.
double redis_hit_ratio(double configured, std::optional<double> maxmemory,
                       std::optional<double> working_set);

// Which nodes hold each shard's replicas: placement[shard] lists replication_factor distinct
// nodes (at most `nodes`), each replica on the least-loaded node so far, ties to the lowest index.
std::vector<std::vector<int>> qdrant_placement(int nodes, int shards, int replication_factor);

// The Redis Cluster master that owns `slot` (0..16383) when the 16384 slots are split into
// `masters` contiguous, near-equal ranges, as `redis-cli --cluster create` assigns them.
inline constexpr int kRedisClusterSlots = 16384;
int redis_master_for_slot(int slot, int masters);

// nginx's passive health check of one upstream server (max_fails, fail_timeout).
struct PeerHealth {
  std::vector<double> failures;  // times of failures still inside the fail_timeout window
  double down_until = -1;        // unavailable before this time
};
// Records a failure at `now`; returns true when it marks the server unavailable: `max_fails`
// failures within `fail_timeout` mark it so for `fail_timeout`. max_fails 0 disables counting, and
// a group of one server is never marked.
bool nginx_record_failure(PeerHealth& peer, double now, int max_fails, double fail_timeout,
                          int servers);
// Whether nginx may choose the server at `now` (a single server always may).
bool nginx_available(const PeerHealth& peer, double now, int servers);

// PostgreSQL synchronous replication: the round trip a write commit waits for, given the
// topology's network rtt (1 ms when the topology gives none).
double postgres_sync_commit_wait(double network_rtt);

}  // namespace capsim::models
