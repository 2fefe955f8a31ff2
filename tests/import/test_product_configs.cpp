// Product settings from config files, command lines and images' environment: nginx, PgBouncer,
// PostgreSQL, Patroni, Redis, Sentinel, Redis Cluster, Qdrant, gunicorn and BullMQ.
#include "tests/import/support.hpp"

using namespace import_test;

namespace {

const char* kApiAndLb = R"(services:
  lb:
    image: nginx
    volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro"]
  api:
    image: node:20
  web:
    image: node:20
)";

}  // namespace

TEST_CASE("nginx.conf: upstream, least_conn, per-server max_fails / fail_timeout, proxy settings") {
  auto r = import_ok({{"docker-compose.yml", kApiAndLb}, {"nginx.conf", R"(
# comments and quoted strings are skipped
proxy_read_timeout 2m;  # http level, inherited
events {}
http {
  proxy_connect_timeout 5;
  upstream api_backend {
    least_conn;
    server api-1:8000 max_fails=3 fail_timeout=30s;
    server api-2:8000 max_fails=3 fail_timeout=30s weight=2;
    server api-3:8000 backup;
  }
  server {
    listen 80;
    location /static/ { root "/var/www {not a block}"; }
    location / {
      proxy_pass http://api_backend;
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 2;
    }
  }
}
)"}});
  const auto& lb = component(r, "lb");
  INFO(lb.dump(2));
  CHECK(lb["upstream"] == "api");
  CHECK(lb["balance"] == "least_conn");
  CHECK(lb["max_fails"] == 3);
  CHECK(lb["fail_timeout"] == "30s");
  CHECK(lb["next_upstream"] == ojson::parse(R"(["error", "timeout", "http_502"])"));
  CHECK(lb["next_upstream_tries"] == 2);
  CHECK(lb["connect_timeout"] == "5s");
  CHECK(lb["read_timeout"] == "120s");
  CHECK(provenance(r, "lb", "max_fails") ==
        "nginx.conf: upstream api_backend / server api-1:8000 max_fails");
  CHECK(provenance(r, "lb", "balance") == "nginx.conf: upstream api_backend / least_conn");
  CHECK(provenance(r, "lb", "connect_timeout") == "nginx.conf: http / proxy_connect_timeout");
  CHECK(provenance(r, "lb", "next_upstream") ==
        "nginx.conf: http / server / location / / proxy_next_upstream");
}

TEST_CASE("nginx.conf: random two, differing max_fails, a direct proxy_pass, a second upstream") {
  auto r = import_ok({{"docker-compose.yml", kApiAndLb}, {"nginx.conf", R"(http {
  upstream pool {
    random two least_conn;
    server api-1:8000 max_fails=2;
    server api-2:8000 max_fails=5;
  }
  server {
    location /web/ { proxy_pass http://web:3000; }
    location / { proxy_pass http://pool; }
  }
}
)"}});
  const auto& lb = component(r, "lb");
  CHECK(lb["upstream"] == "api");  // "location /" first
  CHECK(lb["balance"] == "two_choices");
  CHECK(lb["max_fails"] == 2);
  CHECK(has_warning(r, {"upstream pool", "max_fails differ"}));
  CHECK(has_warning(r, {"also proxies to web"}));
  auto direct = import_ok(
      {{"docker-compose.yml", kApiAndLb},
       {"nginx.conf", "http { server { location / { proxy_pass http://web:3000/; } } }"}});
  CHECK(component(direct, "lb")["upstream"] == "web");
  CHECK(!component(direct, "lb").contains("balance"));  // nginx's default round-robin
}

TEST_CASE("pgbouncer.ini: the pgbouncer section settings and the databases host as server") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  bouncer:
    image: bitnami/pgbouncer
  db:
    image: postgres:16
)"},
                      {"pgbouncer.ini", R"(; PgBouncer
[databases]
app = host=db port=5432 dbname=app

[pgbouncer]
pool_mode = transaction
default_pool_size = 25
reserve_pool_size = 5
reserve_pool_timeout = 2.5
max_client_conn = 1000
query_wait_timeout = 0
server_login_retry = 3
)"}});
  const auto& b = component(r, "bouncer");
  INFO(b.dump(2));
  CHECK(b["server"] == "db");
  CHECK(b["pool_mode"] == "transaction");
  CHECK(b["default_pool_size"] == 25);
  CHECK(b["reserve_pool_size"] == 5);
  CHECK(b["reserve_pool_timeout"] == "2500ms");
  CHECK(b["max_client_conn"] == 1000);
  CHECK(b["query_wait_timeout"] == "0s");
  CHECK(b["server_login_retry"] == "3s");
  CHECK(provenance(r, "bouncer", "default_pool_size") ==
        "pgbouncer.ini: [pgbouncer] default_pool_size");
  CHECK(provenance(r, "bouncer", "server") == "pgbouncer.ini: [databases] app");
}

TEST_CASE("PgBouncer images' environment: edoburu, bitnami, pgbouncer/pgbouncer") {
  for (const std::string env :
       {"      DB_HOST: db\n      POOL_MODE: session\n      DEFAULT_POOL_SIZE: 40\n",
        "      POSTGRESQL_HOST: db\n      PGBOUNCER_POOL_MODE: session\n      "
        "PGBOUNCER_DEFAULT_POOL_SIZE: 40\n",
        "      DATABASES_HOST: db\n      PGBOUNCER_POOL_MODE: session\n      "
        "PGBOUNCER_DEFAULT_POOL_SIZE: 40\n"}) {
    auto r = import_ok({{"docker-compose.yml",
                         "services:\n  bouncer:\n    image: edoburu/pgbouncer\n    "
                         "environment:\n" +
                             env + "  db:\n    image: postgres\n"}});
    INFO(env);
    CHECK(component(r, "bouncer")["server"] == "db");
    CHECK(component(r, "bouncer")["pool_mode"] == "session");
    CHECK(component(r, "bouncer")["default_pool_size"] == 40);
  }
}

TEST_CASE("postgres: max_connections and synchronous replication from postgresql.conf") {
  struct Case {
    std::string conf;
    std::string replication;  // "" when not stated
  };
  for (const auto& c : std::vector<Case>{
           {"max_connections = 300\n", ""},
           {"max_connections = 300\nsynchronous_standby_names = 'FIRST 1 (r1)'\n", "sync"},
           {"max_connections 300 # comment\nsynchronous_standby_names = '*'\nsynchronous_commit = "
            "remote_apply\n",
            "sync"},
           {"max_connections = 300\nsynchronous_standby_names = '*'\nsynchronous_commit = local\n",
            "async"},
           {"max_connections = 300\nsynchronous_standby_names = ''\n", "async"}}) {
    auto r = import_ok({{"docker-compose.yml", "services:\n  db:\n    image: postgres:16\n"},
                        {"postgresql.conf", c.conf}});
    INFO(c.conf);
    const auto& db = component(r, "db");
    CHECK(db["max_connections"] == 300);
    CHECK(provenance(r, "db", "max_connections") == "postgresql.conf: max_connections");
    if (c.replication.empty())
      CHECK(!db.contains("replication"));
    else
      CHECK(db["replication"] == c.replication);
    // No failover manager among the inputs: PostgreSQL does not fail over by itself.
    CHECK(db["failover"]["manager"] == "manual");
  }
}

TEST_CASE("postgres: -c on the command line, Bitnami's env, read replicas of a Bitnami primary") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  db:
    image: postgres:16
    command: ["postgres", "-c", "max_connections=200", "-c", "shared_buffers=2GB"]
  bdb:
    image: bitnami/postgresql:16
    environment:
      POSTGRESQL_REPLICATION_MODE: master
      POSTGRESQL_MAX_CONNECTIONS: "150"
      POSTGRESQL_NUM_SYNCHRONOUS_REPLICAS: "1"
  bdb-read:
    image: bitnami/postgresql:16
    environment:
      POSTGRESQL_REPLICATION_MODE: slave
      POSTGRESQL_MASTER_HOST: bdb
    deploy:
      replicas: 2
)"}});
  CHECK(component(r, "db")["max_connections"] == 200);
  CHECK(provenance(r, "db", "max_connections") ==
        "docker-compose.yml: /services/db/command: -c max_connections");
  const auto& b = component(r, "bdb");
  CHECK(b["max_connections"] == 150);
  CHECK(b["replication"] == "sync");
  CHECK(b["read_replicas"] == 2);
  CHECK(provenance(r, "bdb", "read_replicas") ==
        "docker-compose.yml: /services/bdb-read/deploy/replicas");
  CHECK(!r.topology["components"].contains("bdb_read"));
}

TEST_CASE("patroni.yml: ttl, loop_wait, retry_timeout, maximum_lag, synchronous_mode, parameters") {
  auto r = import_ok(
      {{"docker-compose.yml",
        "services:\n  pg:\n    image: postgres:16\n    command: patroni /etc/patroni.yml\n"},
       {"patroni.yml", R"(scope: demo
postgresql:
  connect_address: pg:5432
  parameters:
    max_connections: 250
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 5
    retry_timeout: 7
    maximum_lag_on_failover: 2097152
    synchronous_mode: true
)"}});
  const auto& pg = component(r, "pg");
  INFO(pg.dump(2));
  CHECK(pg["failover"] == ojson::parse(R"({"manager": "patroni", "ttl": "20s", "loop_wait": "5s",
      "retry_timeout": "7s", "maximum_lag_on_failover": "2MiB"})"));
  CHECK(pg["replication"] == "sync");
  CHECK(pg["max_connections"] == 250);
  CHECK(provenance(r, "pg", "failover/ttl") == "patroni.yml: /bootstrap/dcs/ttl");
}

TEST_CASE("redis: maxmemory units and policy from redis.conf and the command line") {
  struct Case {
    std::string value, size;
  };
  for (const auto& c : std::vector<Case>{{"3gb", "3GiB"},
                                         {"1g", "1GB"},
                                         {"512mb", "512MiB"},
                                         {"100m", "100MB"},
                                         {"1073741824", "1GiB"}}) {
    auto r = import_ok({{"docker-compose.yml",
                         "services:\n  cache:\n    image: redis\n    command: "
                         "redis-server --maxmemory " +
                             c.value + "\n"}});
    CHECK(component(r, "cache")["maxmemory"] == c.size);
  }
  auto r = import_ok({{"docker-compose.yml", R"(services:
  cache:
    image: redis
    command: redis-server /usr/local/etc/redis/redis.conf --maxmemory-policy allkeys-lfu
    volumes: ["./conf/redis.conf:/usr/local/etc/redis/redis.conf"]
)"},
                      {"conf/redis.conf", "maxmemory 2gb\nmaxmemory-policy noeviction\n"}});
  const auto& cache = component(r, "cache");
  CHECK(cache["maxmemory"] == "2GiB");
  // The command line overrides the file (redis-server's own order).
  CHECK(cache["maxmemory_policy"] == "allkeys-lfu");
  CHECK(provenance(r, "cache", "maxmemory") == "conf/redis.conf: maxmemory");
  CHECK(provenance(r, "cache", "maxmemory_policy") ==
        "docker-compose.yml: /services/cache/command: --maxmemory-policy");
}

TEST_CASE("redis: replicas by replicaof, Sentinels by their sentinel.conf") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  cache:
    image: redis:7
  cache-replica:
    image: redis:7
    command: redis-server --replicaof cache 6379
    deploy: {replicas: 2}
  s1:
    image: redis:7
    command: redis-sentinel /etc/redis/sentinel.conf
    volumes: ["./sentinel.conf:/etc/redis/sentinel.conf"]
  s2:
    image: redis:7
    command: redis-sentinel /etc/redis/sentinel.conf
    volumes: ["./sentinel.conf:/etc/redis/sentinel.conf"]
  s3:
    image: redis:7
    command: redis-sentinel /etc/redis/sentinel.conf
    volumes: ["./sentinel.conf:/etc/redis/sentinel.conf"]
)"},
                      {"sentinel.conf", R"(port 26379
sentinel monitor mymaster cache 6379 2
sentinel down-after-milliseconds mymaster 5000
sentinel failover-timeout mymaster 10000
sentinel parallel-syncs mymaster 1
)"}});
  REQUIRE(r.topology["components"].size() == 1);
  const auto& cache = component(r, "cache");
  INFO(cache.dump(2));
  CHECK(cache["mode"] == "sentinel");
  CHECK(cache["replicas"] == 2);
  CHECK(cache["sentinels"] == 3);
  CHECK(cache["quorum"] == 2);
  CHECK(cache["down_after"] == "5s");
  CHECK(cache["failover_timeout"] == "10s");
  CHECK(provenance(r, "cache", "down_after") == "sentinel.conf: sentinel down-after-milliseconds");
  CHECK(provenance(r, "cache", "sentinels") ==
        "docker-compose.yml: /services/s1, /services/s2, /services/s3");
}

TEST_CASE("a sentinel.conf given on its own makes its master's redis a Sentinel one") {
  TempDir dir;
  dir.write("docker-compose.yml", "services:\n  cache:\n    image: redis:7\n");
  dir.write("sentinel.conf",
            "sentinel monitor m cache 6379 2\nsentinel down-after-milliseconds m 3000\n");
  auto r = capsim::import::import_paths(
      {(dir.path() / "docker-compose.yml").string(), (dir.path() / "sentinel.conf").string()});
  REQUIRE(r.problems.empty());
  const auto& cache = component(r, "cache");
  CHECK(cache["mode"] == "sentinel");
  CHECK(cache["down_after"] == "3s");
  CHECK(!cache.contains("sentinels"));
  bool listed = false;
  for (const auto& u : r.unknowns) listed = listed || u.pointer == "/components/cache/sentinels";
  CHECK(listed);
}

TEST_CASE("Redis Cluster: node timeout, and masters and replicas from redis-cli --cluster create") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  redis-node-1: &node
    image: redis:7-alpine
    command: redis-server --cluster-enabled yes --cluster-node-timeout 5000 --cluster-require-full-coverage no
  redis-node-2: *node
  redis-node-3: *node
  redis-node-4: *node
  redis-node-5: *node
  redis-node-6: *node
  create:
    image: redis:7-alpine
    command: redis-cli --cluster create redis-node-1:6379 redis-node-2:6379 redis-node-3:6379
      redis-node-4:6379 redis-node-5:6379 redis-node-6:6379 --cluster-replicas 1
)"}});
  REQUIRE(r.topology["components"].size() == 1);
  const auto& c = component(r, "redis_node");
  CHECK(c["mode"] == "cluster");
  CHECK(c["masters"] == 3);
  CHECK(c["replicas"] == 1);
  CHECK(c["node_timeout"] == "5s");
  CHECK(c["require_full_coverage"] == false);
  // Without the create command: every node a master, and the unknown said so.
  auto alone = import_ok({{"docker-compose.yml", R"(services:
  c-1: {image: redis, command: redis-server --cluster-enabled yes}
  c-2: {image: redis, command: redis-server --cluster-enabled yes}
  c-3: {image: redis, command: redis-server --cluster-enabled yes}
)"}});
  CHECK(component(alone, "c")["masters"] == 3);
  CHECK(component(alone, "c")["replicas"] == 0);
  CHECK(alone.unknowns[0].pointer == "/components/c/replicas");
}

TEST_CASE("qdrant: peers that bootstrap from one node are its cluster") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  vectors:
    image: qdrant/qdrant
    environment: {QDRANT__STORAGE__COLLECTION__REPLICATION_FACTOR: "2"}
  peer:
    image: qdrant/qdrant
    command: ./qdrant --bootstrap http://vectors:6335
    deploy: {replicas: 2}
)"}});
  const auto& v = component(r, "vectors");
  CHECK(v["nodes"] == 3);
  CHECK(v["replication_factor"] == 2);
}

TEST_CASE("gunicorn: workers and timeout from the command line or WEB_CONCURRENCY") {
  auto r = import_ok({{"docker-compose.yml", R"(services:
  a:
    image: python:3.12
    command: gunicorn -w 9 --timeout=60 app:app
  b:
    image: python:3.12
    command: gunicorn app:app
    environment: {WEB_CONCURRENCY: "3"}
)"}});
  CHECK(component(r, "a")["workers"] == 9);
  CHECK(component(r, "a")["timeout"] == "60s");
  CHECK(component(r, "b")["workers"] == 3);
}

TEST_CASE("BullMQ options: concurrency, attempts, backoff, limiter, lock and stall times") {
  auto r = import_ok(
      {{"docker-compose.yml", R"(services:
  mail:
    image: node:20
    command: node worker.js
    environment: {QUEUE_NAME: email-out, REDIS_HOST: cache}
    deploy: {replicas: 3}
  reports:
    image: node:20
    command: node worker.js
    environment: {REDIS_HOST: cache}
  cache:
    image: redis:7
)"},
       {"bullmq-email.json", R"({
  "queue": "email-out",
  "concurrency": 8,
  "limiter": {"max": 50, "duration": 2000},
  "lockDuration": 60000,
  "stalledInterval": 15000,
  "attempts": 5,
  "backoff": 2000
})"},
       {"reports.bullmq.json",
        R"({"defaultJobOptions": {"attempts": 2, "backoff": {"type": "exponential", "delay": 500}}})"}});
  const auto& mail = component(r, "mail");
  INFO(mail.dump(2));
  CHECK(mail["workers"] == 3);
  CHECK(mail["concurrency"] == 8);
  CHECK(mail["attempts"] == 5);
  CHECK(mail["backoff"] == "fixed 2s");
  CHECK(mail["limiter"] == ojson::parse(R"({"max": 50, "duration": "2s"})"));
  CHECK(mail["lock_duration"] == "60s");
  CHECK(mail["stalled_interval"] == "15s");
  CHECK(provenance(r, "mail", "limiter/max") == "bullmq-email.json: /limiter/max");
  const auto& reports = component(r, "reports");
  CHECK(reports["attempts"] == 2);
  CHECK(reports["backoff"] == "exponential 500ms");
}

TEST_CASE("BullMQ options without a worker service make a worker queue on the only redis") {
  auto r = import_ok({{"docker-compose.yml", "services:\n  cache:\n    image: redis:7\n"},
                      {"bullmq.json", R"({"queue": "thumbnails", "concurrency": 2})"}});
  const auto& q = component(r, "thumbnails");
  CHECK(q["kind"] == "worker_queue");
  CHECK(q["broker"] == "cache");
  CHECK(q["concurrency"] == 2);
}
