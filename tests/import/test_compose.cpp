// docker-compose files: replicas, resources, environment (list and map), wiring from addresses and
// depends_on, numbered container names, anchors and provenance.
#include "tests/import/support.hpp"

using namespace import_test;

TEST_CASE("compose replicas: deploy.replicas, else scale") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  a:
    image: node:20
    deploy:
      replicas: 4
  b:
    image: node:20
    scale: 2
)"}});
  CHECK(component(r, "a")["replicas"] == 4);
  CHECK(provenance(r, "a", "replicas") == "docker-compose.yml: /services/a/deploy/replicas");
  CHECK(component(r, "b")["replicas"] == 2);
  CHECK(provenance(r, "b", "replicas") == "docker-compose.yml: /services/b/scale");
}

TEST_CASE("compose CPU and memory: vcpus is the limit rounded up, requests from reservations") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  a:
    image: node:20
    deploy:
      resources:
        limits: {cpus: '0.5', memory: 512M}
        reservations: {cpus: '0.25', memory: 256m}
  b:
    image: node:20
    cpus: 2.5
    mem_limit: 2g
    mem_reservation: 1gb
)"}});
  const auto& a = component(r, "a");
  CHECK(a["vcpus"] == 1);
  CHECK(a["cpu_request"] == 0.25);
  CHECK(a["memory_limit"] == "512MiB");
  CHECK(a["memory_request"] == "256MiB");
  const auto& b = component(r, "b");
  CHECK(b["vcpus"] == 3);
  CHECK(b["memory_limit"] == "2GiB");
  CHECK(b["memory_request"] == "1GiB");
  CHECK(provenance(r, "b", "vcpus") == "docker-compose.yml: /services/b/cpus");
}

TEST_CASE("compose environment as a list or a map, with ${X:-default}") {
  for (const std::string env :
       {"    environment:\n      - DATABASE_URL=postgresql://app:s3cret@pg:5432/app\n      - "
        "DEBUG\n",
        "    environment:\n      DATABASE_URL: postgresql://app:s3cret@pg:5432/app\n      DEBUG:\n",
        "    environment:\n      DATABASE_URL: "
        "postgresql://app:s3cret@${DB_HOST:-pg}:5432/app\n"}) {
    auto r = import_files({{"docker-compose.yml", "services:\n  api:\n    image: node:20\n" + env +
                                                      "  pg:\n    image: postgres:16\n"}});
    INFO(env << problems_text(r));
    REQUIRE(r.problems.empty());
    const auto& calls = r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"];
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["to"] == "pg");
    CHECK(calls[0]["query"] == "read");
  }
}

TEST_CASE("DATABASE_URL: user, password and port are parsed around the host") {
  // The password holds '@' and '/', the port is given: the host is still pgbouncer's.
  auto r = import_ok({{"docker-compose.yml", R"(services:
  api:
    image: node:20
    environment:
      DATABASE_URL: "postgresql://app:p@ss/w0rd@bouncer:6432/app?sslmode=disable"
      REDIS_HOST: cache
      QDRANT_URL: http://vectors:6333
      OPENAI_BASE_URL: https://api.openai.com/v1
      PGHOST: bouncer
  bouncer:
    image: edoburu/pgbouncer
    environment:
      DATABASE_URL: postgres://app:pw@pg:5432/app
  pg:
    image: postgres:16
  cache:
    image: redis:7
  vectors:
    image: qdrant/qdrant
)"}});
  // PgBouncer's own DATABASE_URL (edoburu) names its server.
  CHECK(component(r, "bouncer")["server"] == "pg");
  std::vector<std::string> to;
  for (const auto& c : r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"])
    to.push_back(c["to"]);
  // An app that talks to PgBouncer uses it as its database; the external API is not a component.
  CHECK(to == std::vector<std::string>{"bouncer", "cache", "vectors"});
}

TEST_CASE("a port that is not a number is a problem naming the variable") {
  auto r = import_files({{"docker-compose.yml", R"(services:
  api:
    image: node:20
    environment:
      DATABASE_URL: postgresql://app:pw@pg:fivefour/app
  pg:
    image: postgres:16
)"}});
  CHECK(find_problem(r, "docker-compose.yml", 5,
                     {"DATABASE_URL", "expected a port number", "fivefour"}));
}

TEST_CASE("depends_on and links wire a load balancer to its upstream without an nginx.conf") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  lb:
    image: nginx
    links:
      - web:frontend
  web:
    image: node:20
    depends_on:
      cache:
        condition: service_healthy
  cache:
    image: redis:7
)"}});
  CHECK(component(r, "lb")["upstream"] == "web");
  CHECK(provenance(r, "lb", "upstream") == "docker-compose.yml: /services/lb/links/0");
  CHECK(r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["to"] == "web");
  CHECK(r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"][0]["to"] == "cache");
}

TEST_CASE("compose's numbered containers and project prefix name their service") {
  auto r = import_ok({{"docker-compose.yml", R"(name: shop
services:
  api:
    image: node:20
    environment:
      REDIS_URL: redis://shop-cache-1:6379
  cache:
    image: redis:7
)"}});
  CHECK(r.topology["name"] == "shop");
  CHECK(r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"][0]["to"] == "cache");
}

TEST_CASE("compose anchors and merge keys (x- extension fields)") {
  auto r = import_ok({{"docker-compose.yml", R"(x-app: &app
  build: .
  deploy:
    replicas: 3
    resources:
      limits: {cpus: '2'}
services:
  api:
    <<: *app
    command: node server.js
  worker:
    <<: *app
    command: node worker.js
    environment: {REDIS_URL: "redis://cache"}
  cache:
    image: redis:7
)"}});
  CHECK(component(r, "api")["kind"] == "app");
  CHECK(component(r, "api")["replicas"] == 3);
  CHECK(component(r, "api")["vcpus"] == 2);
  CHECK(component(r, "worker")["kind"] == "worker_queue");
  CHECK(component(r, "worker")["workers"] == 3);
}

TEST_CASE("service names become component names: lower case, '-' and '.' as '_'") {
  auto r =
      import_ok({{"docker-compose.yml", "services:\n  Data-Service.v2:\n    image: node:20\n"}});
  CHECK(r.topology["components"].contains("data_service_v2"));
}

TEST_CASE("a folder's name names the topology, and components come in a stable order") {
  TempDir dir;
  dir.write("shop/docker-compose.yml", R"(services:
  zeta: {image: node:20}
  alpha: {image: python:3.12}
  q: {image: qdrant/qdrant}
  w: {image: node:20, command: node worker.js, environment: {REDIS_HOST: r}}
  r: {image: redis:7}
  s: {image: acme/x}
  pg: {image: postgres}
  b: {image: bitnami/pgbouncer, environment: {POSTGRESQL_HOST: pg}}
  lb: {image: nginx, depends_on: [zeta]}
)");
  auto r = capsim::import::import_paths({(dir.path() / "shop").string()});
  REQUIRE(r.problems.empty());
  CHECK(r.topology["name"] == "shop");
  std::vector<std::string> order;
  for (const auto& [name, c] : r.topology["components"].items()) order.push_back(name);
  CHECK(order == std::vector<std::string>{"lb", "alpha", "zeta", "b", "pg", "r", "q", "w", "s"});
  std::vector<std::string> top;
  for (const auto& [key, v] : r.topology.items()) top.push_back(key);
  CHECK(top == std::vector<std::string>{"name", "description", "components", "requests", "jobs"});
  CHECK(r.topology["description"].get<std::string>().find("docker-compose.yml") !=
        std::string::npos);
  CHECK(component(r, "zeta")["description"] ==
        "app recognised from compose service zeta in docker-compose.yml (image node:20)");
}

TEST_CASE("an app that calls another through its load balancer calls the upstream") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  web:
    image: node:20
    environment: {API_URL: "http://api-lb:8080"}
  api-lb:
    image: nginx
    depends_on: [api]
  api:
    image: python:3.12
  front:
    image: nginx
    depends_on: [web]
)"}});
  // Two load balancers: a placeholder class for each entry point.
  REQUIRE(r.topology["requests"].contains("FILL_IN_api_requests"));
  const auto& web = r.topology["requests"]["FILL_IN_web_requests"]["calls"][0];
  CHECK(web["to"] == "web");
  REQUIRE(web["calls"].size() == 1);
  CHECK(web["calls"][0]["to"] == "api");
}
