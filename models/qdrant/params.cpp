#include "models/qdrant/params.hpp"

#include <string>

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_qdrant_params(config::ObjectReader& r) {
  auto params = std::make_shared<QdrantParams>();
  QdrantParams& s = *params;
  s.nodes = static_cast<int>(r.integer_or("nodes", 1, 1000, s.nodes));
  s.shards = static_cast<int>(r.integer_or("shards", 1, 10000, s.nodes));
  s.replication_factor =
      static_cast<int>(r.integer_or("replication_factor", 1, 100, s.replication_factor));
  s.write_consistency_factor = static_cast<int>(
      r.integer_or("write_consistency_factor", 1, 100, s.write_consistency_factor));
  if (r.has("points")) s.points = r.integer("points", 0, 1LL << 50);
  if (s.replication_factor > s.nodes)
    r.problem("replication_factor", "replication_factor " + std::to_string(s.replication_factor) +
                                        " exceeds nodes " + std::to_string(s.nodes) +
                                        " (expected replication_factor <= nodes)");
  if (s.write_consistency_factor > s.replication_factor)
    r.problem("write_consistency_factor",
              "write_consistency_factor " + std::to_string(s.write_consistency_factor) +
                  " exceeds replication_factor " + std::to_string(s.replication_factor) +
                  " (expected write_consistency_factor <= replication_factor)");
  return params;
}

}  // namespace capsim::models
