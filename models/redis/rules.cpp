#include "models/redis/rules.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::models {

double redis_hit_ratio(double configured, std::optional<double> maxmemory,
                       std::optional<double> working_set) {
  double ratio = std::clamp(configured, 0.0, 1.0);
  // redis.conf (RC): maxmemory 0 means no limit (not in docs/SEMANTICS.md). When the working set is
  // larger than maxmemory, eviction keeps at most maxmemory of it; with accesses spread over the
  // working set, only that fraction can hit (uniform access: a pessimistic bound under skew).
  if (!maxmemory || !working_set || *maxmemory <= 0 || *working_set <= *maxmemory) return ratio;
  return ratio * (*maxmemory / *working_set);
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

}  // namespace capsim::models
