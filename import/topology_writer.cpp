#include "import/topology_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "import/text.hpp"
#include "import/yaml_source.hpp"

namespace capsim::import {

using ojson = nlohmann::ordered_json;

namespace {

// The order of keys in a component (the schema's, with the new keys beside their kin) and within
// its nested objects.
int key_rank(const std::string& parent, const std::string& key) {
  static const std::vector<std::string> component = {
      "kind", "description", "instance", "vcpus", "cpu_request", "memory_request", "memory_limit",
      "zones",
      // load_balancer
      "upstream", "balance", "max_fails", "fail_timeout", "next_upstream", "next_upstream_tries",
      "connect_timeout", "read_timeout", "cpu", "instances",
      // app
      "replicas", "workers", "timeout", "backlog",
      // pgbouncer
      "server", "pool_mode", "default_pool_size", "reserve_pool_size", "reserve_pool_timeout",
      "max_client_conn", "query_wait_timeout", "server_login_retry",
      // postgres
      "read_replicas", "replication", "replication_lag", "max_connections", "reads", "failover",
      // redis
      "mode", "masters", "sentinels", "quorum", "down_after", "failover_timeout", "node_timeout",
      "require_full_coverage", "op_cost", "maxmemory", "maxmemory_policy", "working_set",
      // qdrant
      "nodes", "shards", "replication_factor", "write_consistency_factor", "points",
      // worker_queue
      "broker", "concurrency", "attempts", "backoff", "lock_duration", "stalled_interval",
      "limiter", "autoscale",
      // station
      "servers", "service", "queue_limit", "plan", "provenance"};
  static const std::vector<std::string> autoscale = {
      "policy",        "min",       "max",         "target_cpu",
      "target_memory", "tolerance", "sync_period", "scale_down_window",
      "startup",       "scale_up",  "scale_down"};
  static const std::vector<std::string> scaling = {"stabilization_window", "select", "policies"};
  static const std::vector<std::string> failover = {"manager", "ttl", "loop_wait", "retry_timeout",
                                                    "maximum_lag_on_failover"};
  static const std::vector<std::string> limiter = {"max", "duration"};
  const std::vector<std::string>& order = parent.empty()          ? component
                                          : parent == "autoscale" ? autoscale
                                          : parent == "failover"  ? failover
                                          : parent == "limiter"   ? limiter
                                                                  : scaling;
  auto it = std::find(order.begin(), order.end(), key);
  return static_cast<int>(it - order.begin());
}

std::vector<std::string> segments(const std::string& key) {
  std::vector<std::string> out;
  std::string part;
  for (char c : key) {
    if (c == '/')
      out.push_back(part), part.clear();
    else
      part += c;
  }
  out.push_back(part);
  return out;
}

bool key_less(const Setting& a, const Setting& b) {
  auto sa = segments(a.key), sb = segments(b.key);
  for (std::size_t i = 0; i < std::min(sa.size(), sb.size()); i++)
    if (sa[i] != sb[i])
      return key_rank(i ? sa[i - 1] : "", sa[i]) < key_rank(i ? sa[i - 1] : "", sb[i]);
  return sa.size() < sb.size();
}

void put(ojson& obj, const std::string& key, const ojson& value) {
  ojson* at = &obj;
  auto segs = segments(key);
  for (std::size_t i = 0; i + 1 < segs.size(); i++) {
    if (!at->contains(segs[i])) (*at)[segs[i]] = ojson::object();
    at = &(*at)[segs[i]];
  }
  (*at)[segs.back()] = value;
}

std::string kind_phrase(const std::string& kind) {
  if (kind == "load_balancer") return "load balancer";
  if (kind == "worker_queue") return "worker queue";
  return kind;
}

// Placeholder request classes and jobs: the call tree follows the wiring; every demand, hit
// ratio and share is for the user to fill in.
class RequestSkeleton {
 public:
  RequestSkeleton(const Assembly& a, std::vector<Unknown>& unknowns) : a_(a), unknowns_(unknowns) {}

  void write(ojson& topo) {
    std::vector<const Component*> entries = entry_points();
    assign_jobs(entries);
    ojson requests = ojson::object();
    const bool one = entries.size() <= 1;
    for (std::size_t i = 0; i < std::max<std::size_t>(entries.size(), 1); i++) {
      const std::string cls =
          one ? "FILL_IN_request_class" : "FILL_IN_" + entries[i]->name + "_requests";
      const std::string ptr = "/requests/" + cls;
      ojson r;
      if (one)
        r["share"] = 1;
      else
        r["share"] = 1.0 / static_cast<double>(entries.size());
      if (!one)
        unknowns_.push_back({ptr + "/share", "the share of all requests that enter through " +
                                                 entries[i]->name + " (the shares sum to 1)"});
      ojson calls = ojson::array();
      if (!entries.empty()) {
        std::set<std::string> seen;
        calls.push_back(call(*entries[i], ptr + "/calls/0", seen));
      } else {
        calls.push_back({{"to", std::string(kFillIn) + "the component requests call"}});
        unknowns_.push_back({ptr + "/calls/0/to", "the component requests call"});
      }
      r["calls"] = calls;
      requests[cls] = r;
    }
    unknowns_.push_back({"/requests",
                         "the request classes: one placeholder class per entry point "
                         "stands for all requests; split it by what requests do, with "
                         "their shares (each call's op, read or write and cache-aside "
                         "on_miss are guesses from the wiring)"});
    topo["requests"] = requests;
    if (!jobs_.empty()) topo["jobs"] = jobs_;
  }

 private:
  const Assembly& a_;
  std::vector<Unknown>& unknowns_;
  std::map<std::string, std::vector<std::string>> enqueues_;  // app -> worker queues
  ojson jobs_ = ojson::object();

  const Component* find(const std::string& name) const {
    for (const auto& c : a_.components)
      if (c.name == name) return &c;
    return nullptr;
  }

  static std::string text_of(const Component& c, const std::string& key) {
    const Setting* s = c.get(key);
    return s && s->value.is_string() ? s->value.get<std::string>() : "";
  }

  // Apps behind load balancers; else apps no app or worker calls; else every app.
  std::vector<const Component*> entry_points() const {
    std::vector<const Component*> out;
    for (const auto& c : a_.components)
      if (c.kind == "load_balancer")
        if (const Component* up = find(text_of(c, "upstream")); up && up->kind != "load_balancer")
          if (std::find(out.begin(), out.end(), up) == out.end()) out.push_back(up);
    if (!out.empty()) return out;
    for (const auto& c : a_.components) {
      if (c.kind != "app") continue;
      bool called =
          std::any_of(a_.components.begin(), a_.components.end(), [&](const Component& o) {
            return (o.kind == "app" || o.kind == "worker_queue") &&
                   std::any_of(o.edges.begin(), o.edges.end(),
                               [&](const Edge& e) { return e.to == c.name; });
          });
      if (!called) out.push_back(&c);
    }
    if (!out.empty()) return out;
    for (const auto& c : a_.components)
      if (c.kind == "app") out.push_back(&c);
    if (out.empty() && !a_.components.empty()) {
      for (const auto& c : a_.components)
        if (c.kind != "load_balancer" && c.kind != "worker_queue") return {&c};
    }
    return out;
  }

  // Each worker queue's jobs are enqueued by an app that talks to its broker (else the first
  // entry point).
  void assign_jobs(const std::vector<const Component*>& entries) {
    for (const auto& w : a_.components) {
      if (w.kind != "worker_queue") continue;
      const std::string broker = text_of(w, "broker");
      const Component* by = nullptr;
      for (const Component* e : entries)
        if (!by && std::any_of(e->edges.begin(), e->edges.end(),
                               [&](const Edge& x) { return x.to == broker; }))
          by = e;
      for (const auto& c : a_.components)
        if (!by && c.kind == "app" &&
            std::any_of(c.edges.begin(), c.edges.end(),
                        [&](const Edge& x) { return x.to == broker; }))
          by = &c;
      if (!by && !entries.empty()) by = entries[0];
      if (!by) continue;
      enqueues_[by->name].push_back(w.name);
      const std::string job = "FILL_IN_" + w.name + "_job";
      const std::string ptr = "/jobs/" + job;
      ojson calls = ojson::array();
      std::set<std::string> seen = {w.name};
      for (const Component* d : dependencies(w, broker)) {
        calls.push_back(call(*d, ptr + "/calls/" + std::to_string(calls.size()), seen));
      }
      if (calls.empty()) {
        calls.push_back({{"to", std::string(kFillIn) + "the component the job calls"}});
        unknowns_.push_back({ptr + "/calls/0/to", "what a " + w.name + " job calls"});
      }
      jobs_[job] = {{"calls", calls}};
      unknowns_.push_back({ptr, "what a job on " + w.name + " does: its calls and their demands"});
    }
  }

  // What a component calls, in component order (and not `except`). A call to a load balancer is a
  // call to its upstream: requests name the upstream, the load balancer in front is implied.
  std::vector<const Component*> dependencies(const Component& c,
                                             const std::string& except = "") const {
    std::set<std::string> called;
    for (const auto& e : c.edges) {
      const Component* t = find(e.to);
      if (t && t->kind == "load_balancer") t = find(text_of(*t, "upstream"));
      if (t) called.insert(t->name);
    }
    std::vector<const Component*> out;
    for (const auto& other : a_.components)
      if (other.name != except && other.name != c.name && other.kind != "load_balancer" &&
          called.count(other.name))
        out.push_back(&other);
    return out;
  }

  ojson fill(const std::string& ptr, const std::string& text, const std::string& what) {
    unknowns_.push_back({ptr, what});
    return std::string(kFillIn) + text;
  }

  ojson call(const Component& c, const std::string& ptr, std::set<std::string>& seen) {
    ojson j;
    j["to"] = c.name;
    if (c.kind == "app") {
      j["cpu"] =
          fill(ptr + "/cpu", fmt::format("CPU time per request on {}, e.g. \"12ms\"", c.name),
               "CPU time per request on " + c.name + " (a duration or a distribution)");
      seen.insert(c.name);
      ojson calls = ojson::array();
      for (const Component* d : dependencies(c)) {
        if (seen.count(d->name) && d->kind == "app") continue;
        calls.push_back(call(*d, ptr + "/calls/" + std::to_string(calls.size()), seen));
      }
      for (const auto& w : enqueues_[c.name])
        calls.push_back({{"to", w}, {"enqueue", "FILL_IN_" + w + "_job"}});
      if (!calls.empty()) j["calls"] = calls;
    } else if (c.kind == "pgbouncer" || c.kind == "postgres") {
      j["query"] = "read";
      j["time"] = fill(ptr + "/time", fmt::format("time of this query at {}, e.g. \"4ms\"", c.name),
                       "query time at " + c.name + " (and whether it is a read or a write)");
    } else if (c.kind == "redis") {
      j["op"] = "get";
      j["hit_ratio"] = fill(ptr + "/hit_ratio",
                            fmt::format("hit ratio of this get on {}, e.g. 0.8 (remove it if "
                                        "nothing is cached)",
                                        c.name),
                            "cache hit ratio on " + c.name + " (and the op: get, set, ...)");
    } else if (c.kind == "qdrant") {
      j["op"] = "search";
      j["time"] =
          fill(ptr + "/time", fmt::format("time of this search at {}, e.g. \"25ms\"", c.name),
               "search time at " + c.name);
    } else if (c.kind == "worker_queue") {
      j["enqueue"] = "FILL_IN_" + c.name + "_job";
    }
    return j;
  }
};

}  // namespace

ImportResult write_topology(const Inputs& in, const Assembly& a) {
  ImportResult r;
  r.unknowns = a.unknowns;
  ojson topo;
  topo["name"] = in.name.empty() ? "imported" : in.name;
  std::vector<std::string> summary;
  for (const auto& c : a.components) summary.push_back(c.name + " (" + kind_phrase(c.kind) + ")");
  topo["description"] = fmt::format(
      "Imported by capsim import from {}. Components: {}. Each component's provenance says which "
      "file and key each value comes from. The deployment files cannot say what requests do: the "
      "request classes, service demands and hit ratios are placeholders starting with \"{}\", "
      "to fill in.",
      in.files.empty() ? "no files" : join(in.files, ", "),
      summary.empty() ? "none" : join(summary, ", "), kFillIn);

  ojson comps = ojson::object();
  for (const auto& c : a.components) {
    ojson j;
    j["kind"] = c.kind;
    j["description"] = kind_phrase(c.kind) + " recognised from " +
                       (c.sources.empty() ? std::string("the inputs") : join(c.sources, "; "));
    std::vector<Setting> sorted = c.settings;
    std::stable_sort(sorted.begin(), sorted.end(), key_less);
    ojson prov = ojson::object();
    if (!c.kind_origin.file.empty()) prov["kind"] = c.kind_origin.text();
    for (const auto& s : sorted) {
      put(j, s.key, s.value);
      if (!s.origin.file.empty()) prov[s.key] = s.origin.text();
    }
    j["provenance"] = prov;
    comps[c.name] = j;
  }
  topo["components"] = comps;
  RequestSkeleton(a, r.unknowns).write(topo);
  r.topology = topo;
  return r;
}

}  // namespace capsim::import
