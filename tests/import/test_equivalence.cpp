// Importing each bundled manifests folder (topologies/manifests/<system>) gives the hand-written
// topology (topologies/<system>.json): the same component names and kinds, and key by key every
// setting the hand-written topology gives a component, unless the import cannot know it (listed
// below with the reason) or the import leaves it to capsim's default and the hand-written value is
// that default.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>

#include "tests/import/support.hpp"

using namespace import_test;

namespace {

const fs::path kRoot = CAPSIM_IMPORT_SOURCE_DIR;

ojson read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in.good());
  return ojson::parse(in);
}

// A component's settings as JSON pointers relative to it ("autoscale/min"), objects flattened
// except `plan`, which is one choice.
void flatten(const ojson& j, const std::string& prefix, std::map<std::string, ojson>& out) {
  for (const auto& [k, v] : j.items()) {
    const std::string key = prefix.empty() ? k : prefix + "/" + k;
    if (v.is_object() && k != "plan")
      flatten(v, key, out);
    else
      out[key] = v;
  }
}

bool same(const ojson& a, const ojson& b) {
  if (a.is_number() && b.is_number()) return std::fabs(a.get<double>() - b.get<double>()) < 1e-9;
  return a == b;
}

// capsim's documented default for a key a topology leaves out (topology.schema.json, README
// "Inputs"); nullopt when it has none to compare with.
std::optional<ojson> capsim_default(const std::string& kind, const std::string& key,
                                    const ojson& imported) {
  static const std::map<std::string, std::map<std::string, ojson>> defaults = {
      {"postgres",
       {{"read_replicas", 0},
        {"replication", "async"},
        {"max_connections", 100},
        {"reads", "replicas"},
        {"failover/manager", "patroni"}}},
      {"redis",
       {{"mode", "standalone"},
        {"sentinels", 3},
        {"quorum", 2},
        {"down_after", "30s"},
        {"failover_timeout", "180s"},
        {"node_timeout", "15s"}}},
      {"load_balancer",
       {{"balance", "round_robin"},
        {"max_fails", 1},
        {"fail_timeout", "10s"},
        {"instances", 1},
        {"connect_timeout", "60s"},
        {"read_timeout", "60s"}}},
      {"app", {{"replicas", 1}, {"timeout", "30s"}}},
      {"pgbouncer",
       {{"pool_mode", "session"},
        {"default_pool_size", 20},
        {"reserve_pool_size", 0},
        {"max_client_conn", 100},
        {"instances", 1}}},
      {"qdrant", {{"nodes", 1}, {"replication_factor", 1}}},
      {"worker_queue", {{"workers", 1}, {"concurrency", 1}, {"attempts", 1}, {"backoff", "none"}}}};
  // Qdrant's shard_number defaults to the node count (distributed_deployment.md).
  if (kind == "qdrant" && key == "shards") return imported.value("nodes", 1);
  // A redis replicas count defaults to 0 standalone, 1 otherwise (schema).
  if (kind == "redis" && key == "replicas")
    return imported.value("mode", std::string("standalone")) == "standalone" ? 0 : 1;
  auto k = defaults.find(kind);
  if (k == defaults.end()) return std::nullopt;
  auto v = k->second.find(key);
  if (v == k->second.end()) return std::nullopt;
  return v->second;
}

struct System {
  std::string name;
  // component -> key -> why the import cannot know it; key "*" for every key but vcpus.
  std::map<std::string, std::map<std::string, std::string>> unknowable;
};

const char* kInstance =
    "an instance type is a purchasing choice that deployment files do not make (the imported "
    "vcpus are checked against the catalog's for it instead)";
const char* kPlan = "what capsim plan may change is a planning choice, not a deployment fact";
const char* kNodeConcurrency =
    "a Node.js process serves requests on one event loop with no worker count in any file; the "
    "hand-written topology assumes 64 in flight";
const char* kNodeTimeout =
    "Node's requestTimeout (300 s) is a runtime default that no deployment file states";

const std::vector<System> kSystems = {
    {"voiceassist",
     {{"api",
       {{"autoscale/*",
         "the runbook's step policy is its va-autoscale shell script, not a "
         "deployment file"}}}}},
    {"voice-health",
     {{"backend", {{"workers", kNodeConcurrency}, {"timeout", kNodeTimeout}}},
      {"mongo",
       {{"*",
         "capsim has no MongoDB kind: the import keeps MongoDB as a generic station (with a "
         "warning), the hand-written topology stands it in with the postgres kind and "
         "mongod's defaults"}}}}},
    {"insurance-leads",
     {{"api", {{"workers", kNodeConcurrency}, {"timeout", kNodeTimeout}}},
      {"data_service", {{"workers", kNodeConcurrency}, {"timeout", kNodeTimeout}}},
      {"normal",
       {{"autoscale/*",
         "the queue-depth worker scaling is autoScaleWorkers() in the app's code, "
         "not a deployment file"}}}}},
    {"saveit",
     {{"backend",
       {{"workers",
         "requests in flight per uvicorn event loop (100) is an assumption "
         "about the app, not in any file"}}},
      {"frontend", {{"workers", kNodeConcurrency}}}}},
    {"cahoots", {}},
};

std::string why_unknowable(const System& s, const std::string& component, const std::string& key) {
  if (key == "instance") return kInstance;
  if (key == "plan") return kPlan;
  auto c = s.unknowable.find(component);
  if (c == s.unknowable.end()) return "";
  if (c->second.count("*") && key != "vcpus") return c->second.at("*");
  if (auto k = c->second.find(key); k != c->second.end()) return k->second;
  auto slash = key.find('/');
  if (slash != std::string::npos)
    if (auto k = c->second.find(key.substr(0, slash) + "/*"); k != c->second.end())
      return k->second;
  return "";
}

}  // namespace

TEST_CASE("each bundled manifests folder imports to its hand-written topology", "[equivalence]") {
  const ojson catalog = read_json(kRoot / "experiments" / "catalog-aws-us-east-1.json");
  const bool report = std::getenv("CAPSIM_IMPORT_REPORT") != nullptr;
  for (const auto& sys : kSystems) {
    DYNAMIC_SECTION(sys.name) {
      const ojson hand = read_json(kRoot / "topologies" / (sys.name + ".json"));
      auto r =
          capsim::import::import_paths({(kRoot / "topologies" / "manifests" / sys.name).string()});
      INFO(problems_text(r));
      REQUIRE(r.problems.empty());
      const ojson& got = r.topology["components"];
      INFO(got.dump(2));

      CHECK(r.topology["name"] == hand["name"]);
      std::set<std::string> hand_names, got_names;
      for (const auto& [n, c] : hand["components"].items()) hand_names.insert(n);
      for (const auto& [n, c] : got.items()) got_names.insert(n);
      CHECK(hand_names == got_names);

      std::vector<std::string> matched, by_default, unknowable;
      for (const auto& [name, hc] : hand["components"].items()) {
        if (!got.contains(name)) continue;
        const ojson& ic = got[name];
        const std::string kind = hc["kind"];
        const std::string star = why_unknowable(sys, name, "*");
        if (star.empty())
          CHECK(ic["kind"] == hc["kind"]);
        else
          unknowable.push_back(name + ".kind (" + hc["kind"].get<std::string>() + " vs " +
                               ic["kind"].get<std::string>() + "): " + star);
        std::map<std::string, ojson> keys;
        flatten(hc, "", keys);
        for (const auto& [key, want] : keys) {
          if (key == "kind") continue;
          INFO(sys.name << ": " << name << "/" << key << " = " << want.dump());
          const std::string why = why_unknowable(sys, name, key);
          if (!why.empty()) {
            unknowable.push_back(name + "/" + key + ": " + why);
            // The instance's vCPUs in the catalog agree with the imported CPU limit.
            if (key == "instance" && ic.contains("vcpus") && !hc.contains("vcpus"))
              CHECK(ic["vcpus"] == catalog["instances"][want.get<std::string>()]["vcpus"]);
            continue;
          }
          const auto ptr = ojson::json_pointer("/" + key);
          if (ic.contains(ptr)) {
            ojson have = ic[ptr];
            // capsim's target_cpu is relative to the vCPUs it models; Kubernetes' to the CPU
            // request (the limit when no request is set): compare the same quantity.
            if (key == "autoscale/target_cpu") {
              double request = ic.value("cpu_request", ic.value("vcpus", 1.0));
              have = have.get<double>() * request / ic.value("vcpus", 1.0);
            }
            CHECK(same(have, want));
            matched.push_back(name + "/" + key);
            continue;
          }
          auto d = capsim_default(kind, key, ic);
          INFO("not imported; capsim's default: " << (d ? d->dump() : "none"));
          REQUIRE(d.has_value());
          CHECK(same(*d, want));
          by_default.push_back(name + "/" + key);
        }
      }
      if (report) {
        std::cout << "== " << sys.name << "\nmatched (" << matched.size() << "):";
        for (const auto& m : matched) std::cout << " " << m;
        std::cout << "\ncapsim's default, equal to the hand-written value (" << by_default.size()
                  << "):";
        for (const auto& m : by_default) std::cout << " " << m;
        std::cout << "\ncannot be known (" << unknowable.size() << "):\n";
        for (const auto& m : unknowable) std::cout << "  " << m << "\n";
        std::cout << "warnings:\n" << warnings_text(r) << "\n";
      }
    }
  }
}

TEST_CASE("every unknown of a bundled import points at a FILL IN placeholder or a defaulted key",
          "[equivalence]") {
  for (const char* sys : {"voiceassist", "voice-health", "insurance-leads", "saveit", "cahoots"}) {
    DYNAMIC_SECTION(sys) {
      auto r = capsim::import::import_paths({(kRoot / "topologies" / "manifests" / sys).string()});
      REQUIRE(r.problems.empty());
      REQUIRE(r.topology.contains("requests"));
      std::size_t placeholders = 0;
      for (const auto& u : r.unknowns) {
        INFO(u.pointer << ": " << u.what);
        CHECK(!u.what.empty());
        const auto ptr = ojson::json_pointer(u.pointer);
        if (!r.topology.contains(ptr)) continue;  // a key left to capsim's default
        const ojson& v = r.topology[ptr];
        if (v.is_string()) {
          CHECK(v.get<std::string>().rfind("FILL IN: ", 0) == 0);
          placeholders++;
        }
      }
      // Every request class has a FILL IN demand for the app it enters.
      CHECK(placeholders > 0);
      // And every FILL IN string is listed.
      std::function<void(const ojson&, const std::string&)> walk = [&](const ojson& j,
                                                                       const std::string& p) {
        if (j.is_string() && j.get<std::string>().rfind("FILL IN: ", 0) == 0) {
          bool listed = std::any_of(r.unknowns.begin(), r.unknowns.end(),
                                    [&](const auto& u) { return u.pointer == p; });
          INFO(p);
          CHECK(listed);
        }
        if (j.is_object())
          for (const auto& [k, v] : j.items()) walk(v, p + "/" + k);
        if (j.is_array())
          for (std::size_t i = 0; i < j.size(); i++) walk(j[i], p + "/" + std::to_string(i));
      };
      walk(r.topology, "");
    }
  }
}

TEST_CASE("the Redis Sentinel variant of Cahoots differs from the bundled one only in the cache",
          "[equivalence]") {
  // The bundled manifests are the Cluster variant; the Sentinel one is the same deployment with
  // the runbook's sentinel.conf and a master, 2 replicas and 3 Sentinels instead.
  const ojson hand = read_json(kRoot / "topologies" / "cahoots-sentinel.json");
  TempDir dir;
  std::ifstream in(kRoot / "topologies" / "manifests" / "cahoots" / "cahoots.yaml");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Everything but the cache (documents from the cache's ConfigMap to the cluster Job).
  auto from = all.find("# --- \"Redis Cluster Mode\"");
  auto to = all.find("# --- assumed: the \"Persistent storage");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  dir.write("cahoots.yaml", all.substr(0, from) + all.substr(to));
  dir.write("cache.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: sentinel
data:
  sentinel.conf: |
    sentinel monitor mymaster cache 6379 2
    sentinel down-after-milliseconds mymaster 5000
    sentinel failover-timeout mymaster 60000
    sentinel parallel-syncs mymaster 1
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
        - name: redis
          image: redis:7.2
          command: [redis-server, --maxmemory, 2gb, --maxmemory-policy, allkeys-lru]
          resources: {limits: {cpu: "4", memory: 16Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache-replica}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.2
          command: [redis-server, --replicaof, cache, "6379"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache-sentinel}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: sentinel
          image: redis:7.2
          command: [redis-sentinel, /etc/redis/sentinel.conf]
          volumeMounts: [{name: conf, mountPath: /etc/redis}]
      volumes: [{name: conf, configMap: {name: sentinel}}]
)");
  auto r = capsim::import::import_paths({dir.str()});
  INFO(problems_text(r));
  REQUIRE(r.problems.empty());
  const ojson& cache = component(r, "cache");
  INFO(cache.dump(2));
  for (const char* key :
       {"mode", "replicas", "sentinels", "quorum", "down_after", "failover_timeout", "maxmemory"})
    CHECK(cache[key] == hand["components"]["cache"][key]);
  CHECK(cache["vcpus"] == 4);  // m6i.xlarge
}
