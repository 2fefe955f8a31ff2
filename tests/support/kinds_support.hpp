// Components of each kind built in code, with their kind's params (models/<kind>/params.hpp).
#pragma once

#include <memory>
#include <string>

#include "config/topology.hpp"
#include "models/app/params.hpp"
#include "models/load_balancer/params.hpp"
#include "models/pgbouncer/params.hpp"
#include "models/postgres/params.hpp"
#include "models/qdrant/params.hpp"
#include "models/redis/params.hpp"
#include "models/station/params.hpp"
#include "models/worker_queue/params.hpp"

namespace capsim::testing {

inline const char* kind_name(const models::StationParams&) {
  return "station";
}
inline const char* kind_name(const models::LoadBalancerParams&) {
  return "load_balancer";
}
inline const char* kind_name(const models::AppParams&) {
  return "app";
}
inline const char* kind_name(const models::PgBouncerParams&) {
  return "pgbouncer";
}
inline const char* kind_name(const models::PostgresParams&) {
  return "postgres";
}
inline const char* kind_name(const models::RedisParams&) {
  return "redis";
}
inline const char* kind_name(const models::QdrantParams&) {
  return "qdrant";
}
inline const char* kind_name(const models::WorkerQueueParams&) {
  return "worker_queue";
}

template <typename Params>
config::Component component(const std::string& name, const Params& params) {
  config::Component c;
  c.name = name;
  c.kind = kind_name(params);
  c.params = std::make_shared<Params>(params);
  return c;
}

}  // namespace capsim::testing
