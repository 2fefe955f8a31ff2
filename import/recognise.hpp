// What a container is, from its image (case-insensitive, registry prefix, tag and digest ignored)
// and its command line.
#pragma once

#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

enum class Product {
  unknown,         // any other image: an app if it serves a port and talks to the data services,
                   // else a generic station
  app,             // node:*, python:*, or built from a Dockerfile
  worker,          // an app whose command mentions worker or bullmq: a BullMQ worker_queue
  load_balancer,   // nginx, nginx/nginx-ingress
  pgbouncer,       // edoburu/pgbouncer, bitnami/pgbouncer, pgbouncer/pgbouncer
  postgres,        // postgres, bitnami/postgresql, postgis/postgis, timescale/timescaledb, spilo
  redis,           // redis, bitnami/redis, redis/redis-stack-server
  redis_sentinel,  // bitnami/redis-sentinel, or redis run as redis-sentinel / --sentinel
  redis_cli,       // a redis image running redis-cli (e.g. `--cluster create`): a client
  qdrant,          // qdrant/qdrant
  mongo,           // mongo, bitnami/mongodb: no capsim kind yet
};

const char* product_name(Product p);

// "docker.io/library/Redis:7-alpine" -> "redis", "ghcr.io/zalando/spilo-15:3.0" ->
// "zalando/spilo-15", "registry:5000/team/api@sha256:..." -> "team/api".
std::string image_repository(const std::string& image);

struct Recognition {
  Product product = Product::unknown;
  std::string why;       // "image redis:7-alpine", "built from a Dockerfile", ...
  Origin origin;         // the image, build or command it was recognised from
  bool patroni = false;  // a Patroni-managed PostgreSQL (spilo, or a `patroni` command)
};

Recognition recognise(const Container& c);

// True when the command line mentions a worker or BullMQ ("node jobs/worker.js", "bullmq").
bool mentions_worker(const std::vector<std::string>& argv);

}  // namespace capsim::import
