// The topology an architect writes, as typed data: components of a kind, the request classes and
// jobs that say what a request does, the network and zones. Each kind's own settings (and their
// documented defaults) live in its folder under models/; component models receive typed structs,
// never JSON.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/distribution.hpp"

namespace capsim::config {

// A kind's own settings: each kind's folder under models/ derives its params struct from this
// and reads it (config knows no kind). Shared and immutable once read; the planner makes a
// changed copy when it tries another setup.
struct KindParams {
  virtual ~KindParams() = default;
};

// What `capsim plan` may change on a component (its "plan" key): the kind's count (what it means
// is the kind's: app replicas, postgres read replicas, ...), the instance types to choose from,
// and the modes of a kind that has several. Absent: the kind's defaults (models/<kind>/).
struct PlanRange {
  std::optional<int> min, max;
  std::vector<std::string> instances;
  std::vector<std::string> modes;  // the kind's modes, e.g. redis: standalone | sentinel | cluster
};

struct Component {
  std::string name;
  std::string kind;                     // "station", "app", ... (the registry key)
  std::optional<std::string> instance;  // catalog instance type
  int vcpus = 0;                   // resolved: explicit, from the catalog, or the kind's default
  std::vector<std::string> zones;  // where its instances are placed, round-robin
  std::shared_ptr<const KindParams> params;  // the kind's settings; null only after read errors
  std::optional<PlanRange> plan;

  // The kind's settings as its own type (models/<kind>/params.hpp).
  template <typename Params>
  const Params& as() const {
    return dynamic_cast<const Params&>(*params);
  }
};

// ---- what a request does ----------------------------------------------------------------
struct Call {
  std::string to;     // component name
  std::string op;     // kind-specific: "get", "set", "search", "upsert", ...
  std::string query;  // "read" | "write" for databases (through a pooler or not)
  std::optional<core::Distribution> demand;  // "cpu" or "time": service demand at the target
  std::optional<core::Distribution> io;      // a delay holding the worker but not the CPU
  std::optional<double> hit_ratio;           // caches
  std::vector<Call> on_miss;                 // run by the caller after a miss
  std::vector<Call> calls;                   // nested, synchronous: hold the target's worker
  std::vector<Call> parallel;                // nested, concurrent: fan out and join
  std::string enqueue;                       // async job name: `to` is a worker_queue
  std::string pointer;                       // where it was written, for messages
};

// A database write (query "write") or a mutating op (set, del, incr, upsert, delete, write,
// publish): what replication, write routing and lost-write accounting care about.
bool is_write(const Call& c);

struct RequestClass {
  std::string name;
  double share = 0;
  bool idempotent = true;
  std::vector<Call> calls;
};

struct Job {
  std::string name;
  // BullMQ priority: 0 (none, the default) runs first, then 1 (highest) to 2,097,152 (lowest);
  // FIFO within a priority (docs.bullmq.io/guide/jobs/prioritized).
  int priority = 0;
  std::vector<Call> calls;
};

struct Network {
  double rtt = 0;             // within a zone, round trip
  double cross_zone_rtt = 0;  // between zones, round trip
};

// A runbook's capacity rules of thumb, computed beside `capsim plan`'s recommendation (the
// VoiceAssist runbook's projection: one app instance per 50 RPS, 100 database connections per
// 1000 users, 1 GB of Redis per 10,000 users, read replicas above 150 connections, a Redis
// cluster above 4 GB; 1000 users at 50 RPS).
struct RulesOfThumb {
  std::string app;  // the app component the instance rule sizes
  double rps_per_app_instance = 50;
  double users_per_rps = 20;
  double db_connections_per_1000_users = 100;
  double replicas_above_connections = 150;
  double redis_gb_per_10000_users = 1;
  double redis_cluster_above_gb = 4;
};

struct Topology {
  std::string name;
  std::string file;
  std::vector<std::string> zones;
  Network network;
  std::vector<Component> components;  // in file order
  std::vector<RequestClass> requests;
  std::vector<Job> jobs;
  std::optional<RulesOfThumb> rules_of_thumb;

  const Component* find(const std::string& name) const;
  int index_of(const std::string& name) const;  // -1 when absent
};

}  // namespace capsim::config
