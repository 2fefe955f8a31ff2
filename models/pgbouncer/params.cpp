#include "models/pgbouncer/params.hpp"

#include <string>

#include "config/fields.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_pgbouncer_params(config::ObjectReader& r) {
  auto params = std::make_shared<PgBouncerParams>();
  PgBouncerParams& s = *params;
  s.server = r.required_string("server", "the name of the postgres component");
  s.pool_mode = r.choice_or("pool_mode", {"session", "transaction", "statement"}, s.pool_mode);
  s.default_pool_size =
      static_cast<int>(r.integer_or("default_pool_size", 1, 100000, s.default_pool_size));
  s.reserve_pool_size =
      static_cast<int>(r.integer_or("reserve_pool_size", 0, 100000, s.reserve_pool_size));
  s.reserve_pool_timeout = r.duration_or("reserve_pool_timeout", s.reserve_pool_timeout, true);
  s.max_client_conn =
      static_cast<int>(r.integer_or("max_client_conn", 1, 10000000, s.max_client_conn));
  s.query_wait_timeout = r.duration_or("query_wait_timeout", s.query_wait_timeout, true);
  s.server_login_retry = r.duration_or("server_login_retry", s.server_login_retry);
  s.instances = static_cast<int>(r.integer_or("instances", 1, 1000, s.instances));
  if (auto d = config::distribution_field(r, "cpu")) s.cpu = *d;
  return params;
}

}  // namespace capsim::models
