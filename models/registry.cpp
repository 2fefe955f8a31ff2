// The kind table: the only place that maps a topology's "kind" to its model.
#include "models/common.hpp"

namespace capsim::sim {

const std::map<std::string, ComponentFactory>& component_factories() {
  static const std::map<std::string, ComponentFactory> table = {
      {"station", models::make_station},   {"load_balancer", models::make_load_balancer},
      {"app", models::make_app},           {"pgbouncer", models::make_pgbouncer},
      {"postgres", models::make_postgres}, {"redis", models::make_redis},
      {"qdrant", models::make_qdrant},     {"worker_queue", models::make_worker_queue},
  };
  return table;
}

}  // namespace capsim::sim
