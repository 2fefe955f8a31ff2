#include "models/postgres/params.hpp"

#include <string>

#include "config/fields.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_postgres_params(config::ObjectReader& r) {
  auto params = std::make_shared<PostgresParams>();
  PostgresParams& s = *params;
  s.read_replicas = static_cast<int>(r.integer_or("read_replicas", 0, 100, s.read_replicas));
  s.replication = r.choice_or("replication", {"async", "sync"}, s.replication);
  if (auto d = config::distribution_field(r, "replication_lag")) s.replication_lag = *d;
  s.max_connections =
      static_cast<int>(r.integer_or("max_connections", 1, 1000000, s.max_connections));
  s.reads = r.choice_or("reads", {"replicas", "primary"}, s.reads);
  if (const config::Json* f = r.raw("failover")) {
    config::ObjectReader fr(*f, r.at("failover"), r.context());
    if (fr.valid()) {
      s.failover.manager = fr.choice_or("manager", {"patroni", "manual"}, s.failover.manager);
      s.failover.ttl = fr.duration_or("ttl", s.failover.ttl);
      s.failover.loop_wait = fr.duration_or("loop_wait", s.failover.loop_wait);
      s.failover.retry_timeout = fr.duration_or("retry_timeout", s.failover.retry_timeout);
      if (auto lag = fr.size("maximum_lag_on_failover")) s.failover.maximum_lag_on_failover = *lag;
      // Patroni rule: loop_wait + 2 x retry_timeout <= ttl (dynamic_configuration.rst)
      if (s.failover.manager == "patroni" &&
          s.failover.loop_wait + 2 * s.failover.retry_timeout > s.failover.ttl + 1e-9)
        fr.context().problem(fr.pointer(),
                             "loop_wait + 2 x retry_timeout exceeds ttl (expected loop_wait + 2 x "
                             "retry_timeout <= ttl, Patroni's rule)");
    }
  }
  return params;
}

}  // namespace capsim::models
