// Bad input: each problem names the file and line and says what was expected; the import fails.
#include "tests/import/support.hpp"

using namespace import_test;

TEST_CASE("bad YAML: the problem names the file and the line yaml-cpp stopped at") {
  auto r = import_files(
      {{"docker-compose.yml", "services:\n  api:\n    image: node:20\n   ports: [80\n"}});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].file == "docker-compose.yml");
  CHECK(r.problems[0].line == 4);
  CHECK(r.problems[0].message.rfind("bad YAML: ", 0) == 0);
  CHECK(r.problems[0].message.find("expected valid YAML") != std::string::npos);
  CHECK(!r.ok());
  // In a multi-document file the line counts from the file's start.
  auto multi = import_files({{"k8s/all.yaml", "a: 1\n---\nb: 2\n---\nc: [1, 2\nd: 3\n"}});
  REQUIRE(multi.problems.size() == 1);
  CHECK(multi.problems[0].file == "k8s/all.yaml");
  CHECK(multi.problems[0].line == 6);
}

TEST_CASE("bad JSON in BullMQ options") {
  auto r = import_files({{"docker-compose.yml", "services:\n  cache:\n    image: redis:7\n"},
                         {"bullmq.json", "{\n  \"concurrency\": 5,\n  \"attempts\": [3\n}\n"}});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].file == "bullmq.json");
  CHECK(r.problems[0].line == 4);
  CHECK(r.problems[0].message.rfind("bad JSON: ", 0) == 0);
}

TEST_CASE("a missing reference: the variable, the file and line, and the host") {
  auto r = import_files({{"docker-compose.yml", R"(services:
  api:
    image: node:20
    environment:
      DATABASE_URL: postgresql://app:secret@pgbouncer-host:6432/app
      REDIS_URL: redis://cache:6379
  cache:
    image: redis:7
)"}});
  REQUIRE(r.problems.size() == 1);
  const auto& p = r.problems[0];
  CHECK(p.file == "docker-compose.yml");
  CHECK(p.line == 5);
  CHECK(
      p.message ==
      "environment variable DATABASE_URL of compose service api points at host \"pgbouncer-host\", "
      "which no service or Deployment among the inputs provides (expected one of: api, cache)");
  // An external API is not a reference to a missing service.
  auto ext =
      import_files({{"docker-compose.yml",
                     "services:\n  api:\n    image: node:20\n    environment:\n      "
                     "PAYMENTS_URL: https://api.stripe.com\n      SMTP_HOST: smtp.example.com\n"}});
  CHECK(ext.problems.empty());
}

TEST_CASE(
    "missing references elsewhere: HPA target, nginx server, PgBouncer server, replicaof, "
    "depends_on") {
  auto hpa = import_files({{"hpa.yaml", R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 5
)"},
                           {"web.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: node:20}]
)"}});
  INFO(problems_text(hpa));
  CHECK(find_problem(
      hpa, "hpa.yaml", 5,
      {"HPA api: scaleTargetRef names Deployment \"api\", which is not among the inputs",
       "expected one of: web"}));

  auto nginx = import_files(
      {{"docker-compose.yml", "services:\n  lb:\n    image: nginx\n  api:\n    image: node:20\n"},
       {"nginx.conf",
        "upstream u {\n  server api:80;\n  server apii:80;\n}\nserver { location / { proxy_pass "
        "http://u; } }\n"}});
  INFO(problems_text(nginx));
  CHECK(find_problem(nginx, "nginx.conf", 3, {"server apii:80 of upstream u", "\"apii\""}));

  auto bouncer =
      import_files({{"docker-compose.yml",
                     "services:\n  b:\n    image: bitnami/pgbouncer\n    environment:\n      "
                     "POSTGRESQL_HOST: postgres-primary\n"}});
  CHECK(find_problem(bouncer, "docker-compose.yml", 5, {"PgBouncer b", "\"postgres-primary\""}));

  auto replica = import_files(
      {{"docker-compose.yml",
        "services:\n  r:\n    image: redis\n    command: redis-server --replicaof master 6379\n"}});
  CHECK(find_problem(replica, "docker-compose.yml", 4,
                     {"replicaof of compose service r", "\"master\""}));

  auto dep = import_files(
      {{"docker-compose.yml", "services:\n  a:\n    image: node:20\n    depends_on: [b]\n"}});
  CHECK(find_problem(dep, "docker-compose.yml", 4, {"depends_on of compose service a", "\"b\""}));
}

TEST_CASE("wrong types: the problem names the key and what was expected") {
  struct Case {
    std::map<std::string, std::string> files;
    std::string file;
    int line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"docker-compose.yml",
         "services:\n  api:\n    image: node:20\n    deploy:\n      replicas: three\n"}},
       "docker-compose.yml",
       5,
       "/services/api/deploy/replicas: expected a whole number of replicas, got \"three\""},
      {{{"api.yaml",
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: "
         "\"3.5\"\n  template: {spec: {containers: [{name: a, image: node}]}}\n"}},
       "api.yaml",
       5,
       "/spec/replicas: expected a whole number of replicas, got \"3.5\""},
      {{{"docker-compose.yml", "services:\n  lb:\n    image: nginx\n  api:\n    image: node:20\n"},
        {"nginx.conf", "upstream u {\n  least_conn;\n  server api:80 max_fails=abc;\n}\n"}},
       "nginx.conf",
       3,
       "max_fails: expected a whole number (0 disables), got \"abc\""},
      {{{"docker-compose.yml", "services:\n  lb:\n    image: nginx\n"},
        {"nginx.conf", "server {\n  location / {\n    proxy_read_timeout soon;\n  }\n}\n"}},
       "nginx.conf",
       3,
       "proxy_read_timeout: expected a time such as 5s or 60s, got \"soon\""},
      {{{"docker-compose.yml", "services:\n  b:\n    image: bitnami/pgbouncer\n"},
        {"pgbouncer.ini", "[pgbouncer]\npool_mode = transaction\ndefault_pool_size = lots\n"}},
       "pgbouncer.ini",
       3,
       "default_pool_size: expected a whole number, got \"lots\""},
      {{{"docker-compose.yml",
         "services:\n  b:\n    image: bitnami/pgbouncer\n    environment:\n      "
         "PGBOUNCER_POOL_MODE: pooled\n"}},
       "docker-compose.yml",
       5,
       "pool_mode: expected session, transaction or statement, got \"pooled\""},
      {{{"docker-compose.yml", "services:\n  db:\n    image: postgres\n"},
        {"postgresql.conf", "max_connections = many\n"}},
       "postgresql.conf",
       1,
       "max_connections: expected a whole number of connections, got \"many\""},
      {{{"docker-compose.yml", "services:\n  db:\n    image: postgres\n"},
        {"postgresql.conf", "synchronous_standby_names = '*'\nsynchronous_commit = always\n"}},
       "postgresql.conf",
       2,
       "synchronous_commit: expected on, off, local, remote_write or remote_apply, got \"always\""},
      {{{"docker-compose.yml", "services:\n  c:\n    image: redis\n"},
        {"redis.conf", "maxmemory 3 gigabytes\n"}},
       "redis.conf",
       1,
       "maxmemory: expected a size such as 3gb, 512mb or 1073741824, got \"3 gigabytes\""},
      {{{"docker-compose.yml", "services:\n  c:\n    image: redis\n"},
        {"sentinel.conf", "sentinel monitor m c 6379 2\nsentinel down-after-milliseconds m 5s\n"}},
       "sentinel.conf",
       2,
       "sentinel down-after-milliseconds: expected a whole number of milliseconds above 0, got "
       "\"5s\""},
      {{{"docker-compose.yml",
         "services:\n  api:\n    image: node\n    deploy:\n      resources:\n        "
         "limits:\n          cpus: two\n"}},
       "docker-compose.yml",
       7,
       "/services/api/deploy/resources/limits/cpus: expected a number of CPUs such as '0.5' or "
       "'2', got \"two\""},
      {{{"api.yaml",
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    "
         "spec:\n      containers:\n        - name: a\n          image: node\n          "
         "resources:\n"
         "            limits: {memory: 1GB}\n"}},
       "api.yaml",
       11,
       "/spec/template/spec/containers/0/resources/limits/memory: expected a memory quantity such "
       "as 512Mi, "
       "1Gi or 1G, got \"1GB\""},
      {{{"docker-compose.yml", "services:\n  cache:\n    image: redis\n"},
        {"bullmq.json", "{\n  \"queue\": \"q\",\n  \"concurrency\": \"five\"\n}\n"}},
       "bullmq.json",
       3,
       "/concurrency: expected a whole number of at least 1, got \"five\""},
      {{{"api.yaml",
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template: {spec: "
         "{containers: [{name: a, image: node}]}}\n---\napiVersion: autoscaling/v2\nkind: "
         "HorizontalPodAutoscaler\nmetadata: {name: api}\nspec:\n  scaleTargetRef: {kind: "
         "Deployment, "
         "name: api}\n  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource: {name: "
         "cpu, "
         "target: {type: Utilization, averageUtilization: high}}\n"}},
       "api.yaml",
       15,
       "/spec/metrics/0/resource/target/averageUtilization: expected a whole-number percentage, "
       "got \"high\""},
  };
  for (const auto& c : cases) {
    auto r = import_files(c.files);
    INFO(c.message << "\ngot:\n" << problems_text(r));
    REQUIRE(!r.ok());
    bool found = false;
    for (const auto& p : r.problems)
      found = found || (p.file == c.file && p.line == c.line && p.message == c.message);
    CHECK(found);
  }
}

TEST_CASE("nginx.conf syntax: unbalanced braces and a missing semicolon at their line") {
  auto open = import_files({{"nginx.conf", "http {\n  server {\n    listen 80;\n  }\n"}});
  CHECK(find_problem(open, "nginx.conf", 4, {"unexpected end of file", "expected \"}\""}));
  auto semicolon =
      import_files({{"nginx.conf", "http {\n  upstream u {\n    server a:80\n  }\n}\n"}});
  CHECK(find_problem(semicolon, "nginx.conf", 3,
                     {"directive \"server\" is not terminated", "expected \";\""}));
}

TEST_CASE("a path that does not exist, and a file the import does not read") {
  auto r = capsim::import::import_paths({"/nonexistent/capsim-import/compose.yml"});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message.find("no such file or folder") != std::string::npos);
  TempDir dir;
  auto p = dir.write("notes.txt", "hello");
  auto t = capsim::import::import_paths({p.string()});
  REQUIRE(t.problems.size() == 1);
  CHECK(t.problems[0].file == "notes.txt");
  CHECK(t.problems[0].message.find("not a file the import reads") != std::string::npos);
}

TEST_CASE("a file named on the command line is read by its content when its name says nothing") {
  TempDir dir;
  dir.write("docker-compose.yml",
            "services:\n  lb: {image: nginx}\n  api: {image: node:20}\n  "
            "jobs: {image: node:20, command: node worker.js}\n  cache: {image: redis}\n");
  dir.write("conf.d/default.conf",
            "upstream a { least_conn; server api:80; }\nserver { location / { proxy_pass http://a; "
            "} }\n");
  dir.write("worker-options.json", R"({"concurrency": 3})");
  auto r = capsim::import::import_paths({(dir.path() / "docker-compose.yml").string(),
                                         (dir.path() / "conf.d" / "default.conf").string(),
                                         (dir.path() / "worker-options.json").string()});
  INFO(problems_text(r));
  REQUIRE(r.problems.empty());
  CHECK(component(r, "lb")["balance"] == "least_conn");
  CHECK(component(r, "jobs")["concurrency"] == 3);
  CHECK(provenance(r, "lb", "balance") == "conf.d/default.conf: upstream a / least_conn");
}
