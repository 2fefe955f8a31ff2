#include "models/redis/params.hpp"

#include <string>

#include "config/fields.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_redis_params(config::ObjectReader& r) {
  auto params = std::make_shared<RedisParams>();
  RedisParams& s = *params;
  s.mode = r.choice_or("mode", {"standalone", "sentinel", "cluster"}, s.mode);
  s.masters = static_cast<int>(r.integer_or("masters", 1, 1000, s.mode == "cluster" ? 3 : 1));
  s.replicas = static_cast<int>(r.integer_or("replicas", 0, 100, s.mode == "standalone" ? 0 : 1));
  s.sentinels = static_cast<int>(r.integer_or("sentinels", 1, 100, s.sentinels));
  s.quorum = static_cast<int>(r.integer_or("quorum", 1, 100, s.quorum));
  s.down_after = r.duration_or("down_after", s.down_after);
  s.failover_timeout = r.duration_or("failover_timeout", s.failover_timeout);
  s.node_timeout = r.duration_or("node_timeout", s.node_timeout);
  s.require_full_coverage = r.boolean_or("require_full_coverage", s.require_full_coverage);
  if (auto d = config::distribution_field(r, "op_cost")) s.op_cost = *d;
  if (r.has("maxmemory")) s.maxmemory = r.size("maxmemory");
  if (r.has("working_set")) s.working_set = r.size("working_set");
  if (s.quorum > s.sentinels)
    r.problem("quorum", "quorum " + std::to_string(s.quorum) + " exceeds sentinels " +
                            std::to_string(s.sentinels) + " (expected quorum <= sentinels)");
  if (s.mode == "standalone" && s.masters != 1)
    r.problem("masters", "standalone redis has one master (expected mode \"cluster\" for several)");
  if (s.mode == "cluster" && s.masters < 3)
    r.problem("masters",
              std::to_string(s.masters) +
                  " is too few (expected at least 3 masters, the minimum Redis Cluster needs)");
  return params;
}

}  // namespace capsim::models
