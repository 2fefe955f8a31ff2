// The topology an architect writes, as typed data. Every default below comes from the product's
// own documentation (see docs/SEMANTICS.md, cited per field); a short topology is a
// realistic one. Component models in models/ receive these structs, never JSON.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/distribution.hpp"

namespace capsim::config {

// ---- autoscaling ---------------------------------------------------------------------------
struct HpaPolicy {
  int min = 1, max = 10;
  double target_cpu = 0.8;
  double tolerance = 0.1;          // k8s HPA docs: --horizontal-pod-autoscaler-tolerance 0.1
  double sync_period = 15;         // k8s HPA docs: --horizontal-pod-autoscaler-sync-period 15s
  double scale_down_window = 300;  // k8s HPA docs: default behavior, scaleDown stabilisation 300s
  double startup = 30;             // pod start-up + readiness; k8s initial-readiness-delay 30s
};
struct StepPolicy {  // VoiceAssist runbook va-autoscale: +1/-1 at 70%/30% every 60s
  int min = 1, max = 10;
  double scale_up_at = 0.7, scale_down_at = 0.3;
  int step_up = 1, step_down = 1;
  double interval = 60;
  double sustain = 0;  // Cahoots runbook: "CPU > 70% for 5 minutes", step_up 2
  double startup = 30;
};
struct QueueDepthPolicy {  // insurance runbook: waiting > 1000 -> scale up, < 100 -> scale down
  int min = 1, max = 10;
  long long scale_up_above = 1000, scale_down_below = 100;
  int up_to = 10, down_to = 1;
  double interval = 30;
  double startup = 30;
};
using Autoscale = std::variant<std::monostate, HpaPolicy, StepPolicy, QueueDepthPolicy>;

// ---- component kinds ----------------------------------------------------------------------
struct StationSpec {  // generic c-server FCFS station
  int servers = 1;
  core::Distribution service = core::Distribution::exponential(0.001);
  std::optional<long long> queue_limit;  // waiting places; nullopt = unlimited
};

struct LoadBalancerSpec {  // nginx upstream semantics
  std::string upstream;
  std::string balance = "round_robin";  // nginx default: weighted round-robin
  int max_fails = 1;                    // nginx: max_fails=1
  double fail_timeout = 10;             // nginx: fail_timeout=10s
  int next_upstream_tries = 0;          // nginx: proxy_next_upstream_tries 0 (unlimited)
  double connect_timeout = 60;          // nginx: proxy_connect_timeout 60s
  double read_timeout = 60;             // nginx: proxy_read_timeout 60s
  core::Distribution cpu = core::Distribution::constant(50e-6);  // per proxied request (assumed)
  int instances = 1;
};

struct AppSpec {  // gunicorn-style app replicas
  int replicas = 1;
  int workers = 0;           // 0 = 2 x vCPUs + 1 (gunicorn design docs)
  double timeout = 30;       // gunicorn: timeout 30s
  long long backlog = 2048;  // gunicorn: backlog 2048
  Autoscale autoscale;
};

struct PgBouncerSpec {  // pgbouncer config.md defaults
  std::string server;
  std::string pool_mode = "session";  // pgbouncer: pool_mode session
  int default_pool_size = 20;         // pgbouncer: default_pool_size 20
  int reserve_pool_size = 0;          // pgbouncer: reserve_pool_size 0
  double reserve_pool_timeout = 5;    // pgbouncer: reserve_pool_timeout 5.0s
  int max_client_conn = 100;          // pgbouncer: max_client_conn 100
  double query_wait_timeout = 120;    // pgbouncer: query_wait_timeout 120s
  double server_login_retry = 15;     // pgbouncer: server_login_retry 15s
  int instances = 1;
  core::Distribution cpu = core::Distribution::constant(30e-6);  // per transaction on its single core (assumed)
};

struct PatroniSpec {                // patroni dynamic_configuration.rst
  std::string manager = "patroni";  // or "manual"
  double ttl = 30;
  double loop_wait = 10;
  double retry_timeout = 10;
  double maximum_lag_on_failover = 1048576;  // bytes
};

struct PostgresSpec {
  int read_replicas = 0;
  std::string replication = "async";  // postgres: asynchronous streaming replication
  core::Distribution replication_lag = core::Distribution::exponential(0.1);  // "typically under one second"
  int max_connections = 100;       // postgresql.conf.sample: max_connections 100
  std::string reads = "replicas";  // where read queries go: replicas | primary
  PatroniSpec failover;
};

struct RedisSpec {
  std::string mode = "standalone";  // standalone | sentinel | cluster
  int masters = 1;                  // cluster: number of master shards
  int replicas = 0;                 // replicas per master
  int sentinels = 3;
  int quorum = 2;
  double down_after = 30;             // sentinel.conf: down-after-milliseconds 30000
  double failover_timeout = 180;      // sentinel.conf: failover-timeout 180000
  double node_timeout = 15;           // redis.conf: cluster-node-timeout 15000
  bool require_full_coverage = true;  // redis.conf: cluster-require-full-coverage yes
  core::Distribution op_cost = core::Distribution::constant(1.0 / 180000);  // redis benchmarks: SET 180k rps
  std::optional<double> maxmemory;                              // bytes
  std::optional<double> working_set;  // bytes; hit ratio falls when it exceeds maxmemory
};

struct QdrantSpec {
  int nodes = 1;
  int shards = 0;                    // 0 = number of nodes (qdrant distributed_deployment.md)
  int replication_factor = 1;        // qdrant: replication_factor 1
  int write_consistency_factor = 1;  // qdrant: write_consistency_factor 1
  std::optional<long long> points;   // collection size; per-shard cost grows with it
};

struct WorkerQueueSpec {  // BullMQ worker semantics
  std::string broker;
  int workers = 1;
  int concurrency = 1;           // bullmq: concurrency 1
  int attempts = 1;              // bullmq: attempts 1
  std::string backoff = "none";  // none | fixed | exponential
  double backoff_delay = 0;
  double lock_duration = 30;     // bullmq: lockDuration 30s
  double stalled_interval = 30;  // bullmq: stalledInterval 30s
  // BullMQ's rate limiter: at most `limiter_max` jobs started per `limiter_duration` window
  // (worker option `limiter`); the insurance runbook's critical/normal/low queues use 1000, 100
  // and 10 per second.
  int limiter_max = 0;  // 0: no limiter
  double limiter_duration = 0;
  Autoscale autoscale;
};

using KindSpec = std::variant<StationSpec, LoadBalancerSpec, AppSpec, PgBouncerSpec, PostgresSpec,
                              RedisSpec, QdrantSpec, WorkerQueueSpec>;

// What `capsim plan` may change on a component (its "plan" key): the kind's count (app replicas,
// worker_queue workers, postgres read_replicas, qdrant nodes, pgbouncer / load_balancer instances,
// station servers, redis masters in cluster mode or replicas otherwise), the instance types to
// choose from, and for redis the modes. Absent: the planner's defaults per kind (plan/space.cpp).
struct PlanRange {
  std::optional<int> min, max;
  std::vector<std::string> instances;
  std::vector<std::string> modes;  // redis: standalone | sentinel | cluster
};

struct Component {
  std::string name;
  std::string kind;                     // "station", "app", ... (the registry key)
  std::optional<std::string> instance;  // catalog instance type
  int vcpus = 0;                   // resolved: explicit, from the catalog, or the kind's default
  std::vector<std::string> zones;  // where its instances are placed, round-robin
  KindSpec spec;
  std::optional<PlanRange> plan;
};

// ---- what a request does ----------------------------------------------------------------
struct Call {
  std::string to;                      // component name
  std::string op;                      // kind-specific: "get", "set", "search", "upsert", ...
  std::string query;                   // "read" | "write" for databases (through a pooler or not)
  std::optional<core::Distribution> demand;  // "cpu" or "time": service demand at the target
  std::optional<core::Distribution> io;      // a delay holding the worker but not the CPU
  std::optional<double> hit_ratio;     // caches
  std::vector<Call> on_miss;           // run by the caller after a miss
  std::vector<Call> calls;             // nested, synchronous: hold the target's worker
  std::vector<Call> parallel;          // nested, concurrent: fan out and join
  std::string enqueue;                 // async job name: `to` is a worker_queue
  std::string pointer;                 // where it was written, for messages
};

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
