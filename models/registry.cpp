// The kind table: one line per kind. A kind is its folder under models/ (its params and reader,
// its model, its rules, and kind.cpp, which fills its models::Kind) and its line here.
#include "models/registry.hpp"

#include <stdexcept>

namespace capsim::models {

Kind station_kind();
Kind load_balancer_kind();
Kind app_kind();
Kind pgbouncer_kind();
Kind postgres_kind();
Kind redis_kind();
Kind qdrant_kind();
Kind worker_queue_kind();
Kind mongodb_kind();

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> table = {
      station_kind(), load_balancer_kind(), app_kind(),          pgbouncer_kind(), postgres_kind(),
      redis_kind(),   qdrant_kind(),        worker_queue_kind(), mongodb_kind(),
  };
  return table;
}

const Kind* find(const std::string& name) {
  for (const auto& k : kinds())
    if (k.syntax.name == name) return &k;
  return nullptr;
}

const Kind& kind_of(const config::Component& c) {
  if (const Kind* k = find(c.kind)) return *k;
  throw std::logic_error("no kind \"" + c.kind + "\" in the registry (component " + c.name + ")");
}

const config::KindTable& syntax() {
  static const config::KindTable table = [] {
    config::KindTable t;
    for (const auto& k : kinds()) t.push_back(k.syntax);
    return t;
  }();
  return table;
}

config::Topology load_topology(const std::string& path, const config::Catalog* catalog) {
  return config::load_topology(path, syntax(), catalog);
}

config::Scenario load_scenario(const std::string& path) {
  return config::load_scenario(path, syntax());
}

}  // namespace capsim::models
