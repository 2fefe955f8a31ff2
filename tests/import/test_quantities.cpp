// Conversions between the deployment files' units and capsim's, and address parsing.
#include "import/quantities.hpp"
#include "import/text.hpp"
#include "import/wiring.hpp"
#include "tests/import/support.hpp"

using namespace capsim::import;

TEST_CASE("Kubernetes CPU and memory quantities") {
  CHECK(*parse_kube_cpu("500m") == Approx(0.5));
  CHECK(*parse_kube_cpu("2") == 2);
  CHECK(*parse_kube_cpu("1.5") == 1.5);
  CHECK(!parse_kube_cpu("two"));
  CHECK(!parse_kube_cpu("500Mi"));
  CHECK(*parse_kube_memory("512Mi") == 512.0 * 1024 * 1024);
  CHECK(*parse_kube_memory("1Gi") == 1024.0 * 1024 * 1024);
  CHECK(*parse_kube_memory("1G") == 1e9);
  CHECK(*parse_kube_memory("500M") == 5e8);
  CHECK(*parse_kube_memory("128974848") == 128974848);
  CHECK(*parse_kube_memory("129e6") == 129e6);
  CHECK(!parse_kube_memory("1GB"));
}

TEST_CASE("docker and redis memory sizes") {
  CHECK(*parse_docker_memory("512M") == 512.0 * 1024 * 1024);
  CHECK(*parse_docker_memory("2g") == 2.0 * 1024 * 1024 * 1024);
  CHECK(*parse_docker_memory("1gb") == 1024.0 * 1024 * 1024);
  CHECK(*parse_docker_memory("1024") == 1024);
  CHECK(!parse_docker_memory("lots"));
  CHECK(*parse_redis_memory("1k") == 1000);
  CHECK(*parse_redis_memory("1kb") == 1024);
  CHECK(*parse_redis_memory("3GB") == 3.0 * 1024 * 1024 * 1024);
  CHECK(*parse_redis_memory("1g") == 1e9);
  CHECK(!parse_redis_memory("1.5gb"));
}

TEST_CASE("sizes and durations as capsim writes them") {
  CHECK(format_size(512.0 * 1024 * 1024) == "512MiB");
  CHECK(format_size(1.5 * 1024 * 1024 * 1024) == "1536MiB");
  CHECK(format_size(1e9) == "1GB");
  CHECK(format_size(100) == "100B");
  CHECK(format_duration(5) == "5s");
  CHECK(format_duration(300) == "300s");
  CHECK(format_duration(1.5) == "1500ms");
  CHECK(format_duration(0.00025) == "250us");
  CHECK(format_duration(0) == "0s");
  CHECK(*parse_nginx_time("30s") == 30);
  CHECK(*parse_nginx_time("60") == 60);
  CHECK(*parse_nginx_time("500ms") == Approx(0.5));
  CHECK(*parse_nginx_time("1h 30m") == 5400);
  CHECK(!parse_nginx_time("soon"));
}

TEST_CASE("numbers, flags and names") {
  CHECK(*parse_integer("42") == 42);
  CHECK(!parse_integer("3.0"));
  CHECK(!parse_integer("three"));
  CHECK(*parse_flag("yes"));
  CHECK(!*parse_flag("off"));
  CHECK(!parse_flag("maybe"));
  CHECK(component_name("Data-Service.v2") == "data_service_v2");
  CHECK(without_instance_number("api-2") == "api");
  CHECK(without_instance_number("redis_node_3") == "redis_node");
  CHECK(without_instance_number("cache") == "cache");
  CHECK(without_instance_number("h2") == "h2");
  CHECK(shell_split("sh -c 'redis-server --port 6379' \"a b\"") ==
        std::vector<std::string>{"sh", "-c", "redis-server --port 6379", "a b"});
}

TEST_CASE("addresses: URLs with user, password, port and path, host:port, plain hosts") {
  auto e = parse_endpoint("postgresql://user:p@ss@db.internal:5433/app?x=1");
  REQUIRE(e);
  CHECK(e->scheme == "postgresql");
  CHECK(e->user == "user");
  CHECK(e->password == "p@ss");
  CHECK(e->host == "db.internal");
  CHECK(*e->port == 5433);
  CHECK(e->path == "/app?x=1");
  CHECK(parse_endpoint("cache:6379")->host == "cache");
  CHECK(parse_endpoint("cache")->host == "cache");
  CHECK(parse_endpoint("redis://a:6379,b:6379")->host == "a");
  CHECK(parse_endpoint("http://[::1]:80/")->host == "::1");
  std::string error;
  CHECK(!parse_endpoint("redis://cache:port/0", &error));
  CHECK(error == "expected a port number after the host, got \"port\"");
  CHECK(!parse_endpoint("not an address"));
  CHECK(may_name_host("DATABASE_URL_REPLICA"));
  CHECK(may_name_host("PGHOST"));
  CHECK(may_name_host("REDIS_NODES"));
  CHECK(!may_name_host("REDIS_PORT"));
  CHECK(is_read_reference("READ_DATABASE_URL"));
  CHECK(!is_read_reference("DATABASE_URL"));
}
