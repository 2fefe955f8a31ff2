// Redis's pure rules, testable without the engine (tests/models/redis/).
#pragma once

#include <optional>

namespace capsim::models {

// The hit ratio a Redis cache achieves: `configured` (the ratio when everything fits) scaled by
// the fraction of the working set that fits in maxmemory. maxmemory 0 means no limit.
double redis_hit_ratio(double configured, std::optional<double> maxmemory,
                       std::optional<double> working_set);

// The Redis Cluster master that owns `slot` (0..16383) when the 16384 slots are split into
// `masters` contiguous, near-equal ranges, as `redis-cli --cluster create` assigns them.
inline constexpr int kRedisClusterSlots = 16384;
int redis_master_for_slot(int slot, int masters);

}  // namespace capsim::models
