// Components recognised by image (case-insensitive, registry prefix and tag ignored) and command.
#include "import/recognise.hpp"
#include "tests/import/support.hpp"

using namespace import_test;
using capsim::import::image_repository;

namespace {

// One compose service with this image (and command) -> the kind of the component it becomes.
std::string kind_of(const std::string& image, const std::string& extra = "") {
  auto r = import_files(
      {{"docker-compose.yml", "services:\n  svc:\n    image: " + image + "\n" + extra}});
  INFO(problems_text(r));
  REQUIRE(r.problems.empty());
  return component(r, "svc")["kind"].get<std::string>();
}

}  // namespace

TEST_CASE("image names lose their registry, tag and digest, and their case") {
  CHECK(image_repository("redis") == "redis");
  CHECK(image_repository("redis:7-alpine") == "redis");
  CHECK(image_repository("docker.io/library/Redis:7-alpine") == "redis");
  CHECK(image_repository("ghcr.io/zalando/spilo-15:3.0-p1") == "zalando/spilo-15");
  CHECK(image_repository("registry.example.com:5000/bitnami/postgresql:16") ==
        "bitnami/postgresql");
  CHECK(image_repository("localhost:5000/team/api@sha256:0123abcd") == "team/api");
  CHECK(image_repository("bitnami/redis-sentinel") == "bitnami/redis-sentinel");
}

TEST_CASE("postgres images") {
  for (const char* image : {"postgres:16", "bitnami/postgresql:16", "postgis/postgis:16-3.4",
                            "timescale/timescaledb:latest-pg16", "docker.io/library/POSTGRES",
                            "ghcr.io/zalando/spilo-16:3.2-p2"})
    CHECK(kind_of(image) == "postgres");
}

TEST_CASE("pgbouncer images") {
  for (const char* image :
       {"edoburu/pgbouncer:1.21.0", "bitnami/pgbouncer:1", "pgbouncer/pgbouncer:latest"})
    CHECK(kind_of(image) == "pgbouncer");
}

TEST_CASE("redis images, Sentinel and Cluster") {
  for (const char* image : {"redis:7", "bitnami/redis:7.2", "redis/redis-stack-server:latest"}) {
    auto r = import_ok(
        {{"docker-compose.yml", std::string("services:\n  svc:\n    image: ") + image + "\n"}});
    CHECK(component(r, "svc")["kind"] == "redis");
    CHECK(component(r, "svc")["mode"] == "standalone");
  }
  SECTION("bitnami/redis-sentinel and a redis run as redis-sentinel or with --sentinel") {
    for (const std::string sentinel :
         {"    image: bitnami/redis-sentinel:7\n    environment:\n      REDIS_MASTER_HOST: cache\n",
          "    image: redis:7\n    command: redis-sentinel /etc/sentinel.conf --sentinel monitor m "
          "cache 6379 2\n",
          "    image: redis:7\n    command: redis-server /etc/sentinel.conf --sentinel\n"}) {
      auto r = import_files({{"docker-compose.yml",
                              "services:\n  cache:\n    image: redis:7\n  sentinel:\n" + sentinel},
                             {"sentinel.conf", "sentinel monitor m cache 6379 2\n"}});
      INFO(sentinel << problems_text(r));
      REQUIRE(r.problems.empty());
      const auto& cache = component(r, "cache");
      CHECK(cache["mode"] == "sentinel");
      CHECK(cache["sentinels"] == 1);
      CHECK(!r.topology["components"].contains("sentinel"));
    }
  }
  SECTION("cluster-enabled yes") {
    auto r = import_ok({{"docker-compose.yml",
                         "services:\n  svc:\n    image: redis:7\n    command: redis-server "
                         "--cluster-enabled yes\n"}});
    CHECK(component(r, "svc")["mode"] == "cluster");
  }
}

TEST_CASE("qdrant, nginx, mongo") {
  CHECK(kind_of("qdrant/qdrant:v1.9.0") == "qdrant");
  CHECK(kind_of("nginx:alpine") == "load_balancer");
  CHECK(kind_of("nginx/nginx-ingress:3.5") == "load_balancer");
  auto r = import_ok({{"docker-compose.yml", "services:\n  svc:\n    image: mongo:6.0\n"}});
  CHECK(component(r, "svc")["kind"] == "station");
  CHECK(has_warning(r, {"image mongo:6.0", "no MongoDB kind", "kept as a generic station"}));
}

TEST_CASE(
    "apps: node, python, built from a Dockerfile, or any image serving a port that uses "
    "the data services") {
  CHECK(kind_of("node:20-alpine") == "app");
  CHECK(kind_of("python:3.12-slim") == "app");
  auto built = import_ok({{"docker-compose.yml", "services:\n  svc:\n    build: .\n"}});
  CHECK(component(built, "svc")["kind"] == "app");
  CHECK(provenance(built, "svc", "kind") == "docker-compose.yml: /services/svc/build");
  auto other = import_ok({{"docker-compose.yml", R"(services:
  svc:
    image: ghcr.io/acme/orders:2.1
    ports: ["8080"]
    environment:
      DATABASE_URL: postgres://u:p@db:5432/orders
  db:
    image: postgres:16
)"}});
  CHECK(component(other, "svc")["kind"] == "app");
  CHECK(other.warnings.empty());
}

TEST_CASE("workers: a command that mentions worker or bullmq, with the redis as broker") {
  for (const char* command : {"node dist/worker.js", "python -m app.worker", "npx bullmq-runner"}) {
    auto r = import_ok({{"docker-compose.yml", std::string(R"(services:
  svc:
    image: node:20
    command: )") + command + R"(
    environment:
      REDIS_URL: redis://cache:6379
  cache:
    image: redis:7
)"}});
    INFO(command);
    CHECK(component(r, "svc")["kind"] == "worker_queue");
    CHECK(component(r, "svc")["broker"] == "cache");
    CHECK(provenance(r, "svc", "broker") ==
          "docker-compose.yml: /services/svc/environment/REDIS_URL");
  }
  // gunicorn's own --workers do not make an app a job worker.
  CHECK(kind_of("python:3.12", "    command: gunicorn --workers 5 app:app\n") == "app");
}

TEST_CASE("an unknown image is kept as a generic station with a warning, never dropped") {
  auto r = import_ok(
      {{"docker-compose.yml",
        "services:\n  thing:\n    image: acme/thing:1.0\n    deploy:\n      replicas: 2\n"}});
  const auto& c = component(r, "thing");
  CHECK(c["kind"] == "station");
  CHECK(c["servers"] == 2);
  CHECK(c["service"].get<std::string>().rfind("FILL IN: ", 0) == 0);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].message ==
        "unknown image acme/thing:1.0: kept as a generic station (fill in its servers and service "
        "time)");
  CHECK(r.warnings[0].file == "docker-compose.yml");
  CHECK(r.warnings[0].line == 3);
  bool listed = false;
  for (const auto& u : r.unknowns) listed = listed || u.pointer == "/components/thing/service";
  CHECK(listed);
}
