// Dependency-graph checks (analysis/graph.hpp) on topologies built in code.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/graph.hpp"
#include "tests/support/kinds_support.hpp"

namespace {

using capsim::analysis::Finding;
namespace cfg = capsim::config;

using capsim::testing::component;

cfg::Call call(const std::string& to, std::vector<cfg::Call> nested = {}) {
  cfg::Call c;
  c.to = to;
  c.calls = std::move(nested);
  return c;
}

cfg::Call query(const std::string& to, const std::string& kind) {
  cfg::Call c = call(to);
  c.query = kind;
  return c;
}

cfg::Call enqueue(const std::string& queue, const std::string& job) {
  cfg::Call c = call(queue);
  c.enqueue = job;
  return c;
}

cfg::RequestClass request(const std::string& name, std::vector<cfg::Call> calls) {
  cfg::RequestClass r;
  r.name = name;
  r.share = 0.5;
  r.calls = std::move(calls);
  return r;
}

capsim::models::AppParams app(int replicas) {
  capsim::models::AppParams a;
  a.replicas = replicas;
  return a;
}

capsim::models::LoadBalancerParams lb(const std::string& upstream, int instances) {
  capsim::models::LoadBalancerParams s;
  s.upstream = upstream;
  s.instances = instances;
  return s;
}

capsim::models::PostgresParams postgres(int replicas, const std::string& manager = "patroni") {
  capsim::models::PostgresParams p;
  p.read_replicas = replicas;
  p.failover.manager = manager;
  return p;
}

// lb -> api -> pg, with requests read and write through the load balancer.
cfg::Topology three_tier(int api_replicas) {
  cfg::Topology t;
  t.name = "three-tier";
  t.components = {component("lb", lb("api", 2)), component("api", app(api_replicas)),
                  component("pg", postgres(2))};
  t.requests = {request("read", {call("lb", {call("api", {query("pg", "read")})})}),
                request("write", {call("lb", {call("api", {query("pg", "write")})})})};
  return t;
}

// The example of PRODUCT.md §2.
cfg::Topology voiceassist() {
  cfg::Topology t;
  t.name = "voiceassist";
  t.zones = {"a", "b"};
  capsim::models::AppParams api = app(3);
  api.autoscale = capsim::sim::HpaPolicy{2, 10, 0.7};
  capsim::models::PgBouncerParams bouncer;
  bouncer.server = "pg";
  bouncer.instances = 2;
  capsim::models::RedisParams cache;
  cache.mode = "sentinel";
  cache.replicas = 2;
  capsim::models::QdrantParams vectors;
  vectors.nodes = 3;
  vectors.shards = 3;
  vectors.replication_factor = 2;
  capsim::models::WorkerQueueParams jobs;
  jobs.broker = "cache";
  jobs.workers = 3;
  capsim::models::StationParams ml;
  ml.servers = 4;
  t.components = {component("lb", lb("api", 2)), component("api", api),
                  component("bouncer", bouncer), component("pg", postgres(2)),
                  component("cache", cache),     component("vectors", vectors),
                  component("jobs", jobs),       component("ml", ml)};
  cfg::Call get = call("cache");
  get.op = "get";
  get.hit_ratio = 0.85;
  get.on_miss = {query("bouncer", "read")};
  // Unlike the spec's example, requests enter through the load balancer.
  t.requests = {request("read", {call("lb", {call("api", {get})})}),
                request("write", {call("lb", {call("api", {query("bouncer", "write"),
                                                           enqueue("jobs", "transcribe")})})}),
                request("search", {call("lb", {call("api", {call("vectors")})})})};
  cfg::Job transcribe;
  transcribe.name = "transcribe";
  transcribe.calls = {call("ml")};
  t.jobs = {transcribe};
  return t;
}

std::vector<Finding> matching(const std::vector<Finding>& fs, const std::string& text) {
  std::vector<Finding> out;
  for (const auto& f : fs)
    if (f.message.find(text) != std::string::npos) out.push_back(f);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string describe(const std::vector<Finding>& fs) {
  std::string s;
  for (const auto& f : fs) s += f.severity + " " + f.pointer + ": " + f.message + "\n";
  return s;
}

}  // namespace

TEST_CASE("graph: vertices and edges follow the call trees", "[graph]") {
  auto t = voiceassist();
  auto g = capsim::analysis::build_graph(t);
  REQUIRE(g.nodes.size() == t.components.size() + t.requests.size() + t.jobs.size());
  auto has_edge = [&](const std::string& from, const std::string& to, const std::string& rel) {
    for (const auto& e : g.edges)
      if (g.nodes[e.from].name == from && g.nodes[e.to].name == to && e.relation.relation == rel)
        return true;
    return false;
  };
  CHECK(has_edge("read", "lb", "calls"));
  CHECK(has_edge("lb", "api", "calls"));
  CHECK(has_edge("api", "cache", "calls"));
  CHECK(has_edge("api", "bouncer", "miss"));  // the caller runs the miss path
  CHECK_FALSE(has_edge("cache", "bouncer", "miss"));
  CHECK(has_edge("api", "jobs", "enqueue"));
  CHECK(has_edge("jobs", "transcribe", "runs"));
  CHECK(has_edge("transcribe", "ml", "calls"));
  CHECK(has_edge("lb", "api", "upstream"));
  CHECK(has_edge("bouncer", "pg", "server"));
  CHECK(has_edge("jobs", "cache", "broker"));
}

TEST_CASE("graph: a call cycle is an error naming the cycle", "[graph]") {
  cfg::Topology t;
  t.components = {component("a", app(3)), component("b", app(3)), component("c", app(3))};
  t.requests = {request("r", {call("a", {call("b", {call("a")})})}),
                request("s", {call("c", {call("c")})})};
  t.requests[0].calls[0].calls[0].calls[0].pointer = "/requests/r/calls/0/calls/0/calls/0";
  auto fs = capsim::analysis::analyse(t);
  INFO(describe(fs));
  auto ab = matching(fs, "a -> b -> a");
  REQUIRE(ab.size() == 1);
  CHECK(ab[0].severity == "error");
  CHECK(ab[0].message == "call cycle: a -> b -> a");
  CHECK(ab[0].pointer == "/requests/r/calls/0/calls/0/calls/0");
  auto self = matching(fs, "c -> c");
  REQUIRE(self.size() == 1);
  CHECK(self[0].severity == "error");
  CHECK(self[0].pointer == "/components/c");  // built without pointers: falls back

  CHECK(matching(capsim::analysis::analyse(three_tier(3)), "cycle").empty());
}

TEST_CASE("graph: a job that enqueues itself is an asynchronous cycle", "[graph]") {
  cfg::Topology t;
  capsim::models::RedisParams redis;
  redis.mode = "sentinel";
  redis.replicas = 1;
  capsim::models::WorkerQueueParams q;
  q.broker = "redis";
  q.workers = 2;
  t.components = {component("api", app(2)), component("redis", redis), component("q", q)};
  t.requests = {request("r", {call("api", {enqueue("q", "again")})})};
  cfg::Job job;
  job.name = "again";
  job.calls = {call("api")};
  t.jobs = {job};
  auto fs = capsim::analysis::analyse(t);
  INFO(describe(fs));
  auto async = matching(fs, "can enqueue itself again");
  REQUIRE(async.size() == 1);
  CHECK(async[0].severity == "warning");
  CHECK(async[0].message.find("job:again -> api -> q -> job:again") != std::string::npos);
  CHECK(matching(fs, "call cycle").empty());
}

TEST_CASE("graph: a component nothing reaches is reported", "[graph]") {
  auto t = three_tier(3);
  t.components.push_back(component("orphan", capsim::models::StationParams{}));
  auto fs = capsim::analysis::analyse(t);
  INFO(describe(fs));
  auto un = matching(fs, "is not reached");
  REQUIRE(un.size() == 1);
  CHECK(un[0].severity == "warning");
  CHECK(un[0].pointer == "/components/orphan");
  CHECK(un[0].message == "component \"orphan\" is not reached by any request or job");

  // Reached only through a job, or only as an upstream / broker, still counts as reached.
  auto va = capsim::analysis::analyse(voiceassist());
  INFO(describe(va));
  CHECK(matching(va, "is not reached").empty());
}

TEST_CASE("graph: a single-replica app in front of everything is a SPOF", "[graph]") {
  auto fs = capsim::analysis::analyse(three_tier(1));
  INFO(describe(fs));
  auto spof = matching(fs, "single point of failure: \"api\"");
  REQUIRE(spof.size() == 1);
  CHECK(spof[0].severity == "warning");
  CHECK(spof[0].pointer == "/components/api");
  CHECK(spof[0].message ==
        "single point of failure: \"api\" (1 instance) — losing it fails requests read, write");
  CHECK(matching(fs, "\"lb\"").empty());  // 2 instances
  CHECK(matching(fs, "\"pg\"").empty());  // replicas with Patroni
}

TEST_CASE("graph: a 3-replica app is not a SPOF, though it is a cut vertex", "[graph]") {
  auto t = three_tier(3);
  auto fs = capsim::analysis::analyse(t);
  INFO(describe(fs));
  CHECK(matching(fs, "\"api\"").empty());
  CHECK(matching(fs, "single point of failure").empty());
  CHECK(contains(capsim::analysis::cut_vertices(t), "api"));

  // ... unless all three replicas sit in one zone of several.
  t.zones = {"a", "b"};
  t.components[1].zones = {"a"};
  auto zoned = matching(capsim::analysis::analyse(t), "single point of failure: \"api\"");
  REQUIRE(zoned.size() == 1);
  CHECK(zoned[0].message.find("all in zone \"a\"") != std::string::npos);
}

TEST_CASE("graph: SPOF rules per kind", "[graph]") {
  auto t = three_tier(3);
  SECTION("postgres without replicas fails every class") {
    t.components[2] = component("pg", postgres(0));
    auto pg = matching(capsim::analysis::analyse(t), "\"pg\"");
    REQUIRE(pg.size() == 1);
    CHECK(pg[0].message ==
          "single point of failure: \"pg\" (1 instance) — losing it fails "
          "requests read, write");
  }
  SECTION("postgres with replicas but manual failover fails writes only") {
    t.components[2] = component("pg", postgres(2, "manual"));
    auto pg = matching(capsim::analysis::analyse(t), "\"pg\"");
    REQUIRE(pg.size() == 1);
    CHECK(pg[0].message.find("losing the primary fails request write") != std::string::npos);
    CHECK(pg[0].message.find("read") == std::string::npos);
  }
  SECTION("qdrant with replication_factor 1 across nodes") {
    capsim::models::QdrantParams q;
    q.nodes = 3;
    t.components.push_back(component("vec", q));
    t.requests[0].calls[0].calls[0].calls.push_back(call("vec"));
    auto v = matching(capsim::analysis::analyse(t), "\"vec\"");
    REQUIRE(v.size() == 1);
    CHECK(v[0].message.find("losing any node fails request read") != std::string::npos);
  }
  SECTION("a station is one instance") {
    t.components.push_back(component("ml", capsim::models::StationParams{}));
    t.requests[1].calls[0].calls[0].calls.push_back(call("ml"));
    auto v = matching(capsim::analysis::analyse(t), "\"ml\"");
    REQUIRE(v.size() == 1);
    CHECK(v[0].message ==
          "single point of failure: \"ml\" (1 instance) — losing it fails "
          "request write");
  }
  SECTION("redis standalone vs sentinel") {
    capsim::models::RedisParams r;
    CHECK(capsim::analysis::spof_note(component("r", r)) == "1 instance");
    r.mode = "sentinel";
    r.replicas = 2;
    CHECK(capsim::analysis::spof_note(component("r", r)).empty());
  }
}

TEST_CASE("graph: blast radius follows the call trees", "[graph]") {
  auto blast = capsim::analysis::blast_radius(voiceassist());
  using V = std::vector<std::string>;
  REQUIRE(blast.size() == 8);
  // The cache is only called on read; it is also the queue's broker, so enqueueing needs it.
  CHECK(contains(blast["cache"], "read"));
  CHECK(contains(blast["cache"], "write"));
  CHECK_FALSE(contains(blast["cache"], "search"));
  CHECK(blast["api"] == V{"read", "write", "search"});
  CHECK(blast["bouncer"] == V{"read", "write"});  // read through on_miss
  CHECK(blast["pg"] == V{"read", "write"});
  CHECK(blast["vectors"] == V{"search"});
  CHECK(blast["jobs"] == V{"job:transcribe"});  // the request only needs the broker
  CHECK(blast["ml"] == V{"job:transcribe"});
  CHECK(blast["lb"] == V{"read", "write", "search"});

  // A cache used only by the read path, with its own broker elsewhere.
  cfg::Topology t;
  capsim::models::RedisParams cache;
  t.components = {component("api", app(3)), component("cache", cache),
                  component("pg", postgres(1))};
  cfg::Call get = call("cache");
  get.hit_ratio = 0.9;
  get.on_miss = {query("pg", "read")};
  t.requests = {request("read", {call("api", {get})}),
                request("write", {call("api", {query("pg", "write")})})};
  auto b = capsim::analysis::blast_radius(t);
  CHECK(b["cache"] == V{"read"});
  CHECK(b["pg"] == V{"read", "write"});
}

TEST_CASE("graph: DOT output names every node and is valid for dot", "[graph]") {
  auto t = voiceassist();
  t.components.push_back(component("odd \"name\" \\ here", capsim::models::StationParams{}));
  std::string dot = capsim::analysis::to_dot(t);
  INFO(dot);
  CHECK(dot.rfind("digraph \"voiceassist\" {", 0) == 0);
  for (const char* id :
       {"\"component:lb\"", "\"component:api\"", "\"component:bouncer\"", "\"component:pg\"",
        "\"component:cache\"", "\"component:vectors\"", "\"component:jobs\"", "\"component:ml\"",
        "\"request:read\"", "\"request:write\"", "\"request:search\"", "\"job:transcribe\""})
    CHECK(dot.find(id) != std::string::npos);
  CHECK(dot.find("label=\"api\\napp x 3\"") != std::string::npos);
  CHECK(dot.find("shape=diamond") != std::string::npos);
  CHECK(dot.find("shape=ellipse") != std::string::npos);
  CHECK(dot.find("SPOF: 1 instance") != std::string::npos);  // ml, a station
  CHECK(dot.find("\"component:odd \\\"name\\\" \\\\ here\"") != std::string::npos);
  // One arrow per pair, labelled with every relation between them.
  for (const char* edge :
       {"\"request:read\" -> \"component:lb\" [label=\"calls\"]",
        "\"component:lb\" -> \"component:api\" [label=\"upstream, calls\"]",
        "\"component:bouncer\" -> \"component:pg\" [label=\"server\"]",
        "\"component:jobs\" -> \"component:cache\" [label=\"broker\"]",
        "\"component:api\" -> \"component:jobs\" [label=\"enqueue\", style=dashed]",
        "\"component:api\" -> \"component:bouncer\" [label=\"miss, calls\"]",
        "\"component:jobs\" -> \"job:transcribe\" [label=\"runs\", style=dashed]"})
    CHECK(dot.find(edge) != std::string::npos);

  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    WARN("graphviz `dot` is not on PATH: skipping the dot -Tsvg check");
    return;
  }
  auto dir = std::filesystem::temp_directory_path();
  auto in = dir / ("capsim_test_graph_" + std::to_string(::getpid()) + ".dot");
  auto out = dir / ("capsim_test_graph_" + std::to_string(::getpid()) + ".svg");
  {
    std::ofstream f(in);
    f << dot;
  }
  std::string cmd = "dot -Tsvg '" + in.string() + "' -o '" + out.string() + "' 2>&1";
  int status = std::system(cmd.c_str());
  CHECK(status == 0);
  CHECK(std::filesystem::file_size(out) > 0);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
}
