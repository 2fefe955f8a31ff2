// Product settings from config files, command lines and the images' environment variables, in
// capsim keys: PgBouncer, PostgreSQL (postgresql.conf, `-c name=value`, Patroni), Redis
// (redis.conf, redis-server / redis-sentinel arguments, sentinel.conf, redis-cli --cluster create)
// and BullMQ worker options. Each reader checks the value's type and reports a problem naming the
// setting and what was expected. nginx.conf has its own tokenizer (nginx_conf.hpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

// ---- Redis: redis.conf / sentinel.conf lines and redis-server / redis-sentinel arguments ----

struct Directive {
  std::string name;  // lower case: "maxmemory", "sentinel", "replicaof"
  std::vector<std::string> args;
  Origin origin;
};

// "directive arg arg" per line, "#" comments, "..." quoting (redis.conf's format).
std::vector<Directive> parse_redis_conf(const ConfigSource& cs);
// The arguments after redis-server / redis-sentinel: config file paths first, then "--name args"
// directives (redis-server --maxmemory 3gb --replicaof cache 6379); `--sentinel` alone is a flag.
struct RedisCommand {
  std::string program;                  // "redis-server", "redis-sentinel", "redis-cli", "" if none
  std::vector<std::string> conf_paths;  // config files named on the command line
  std::vector<Directive> directives;
  bool sentinel_flag = false;
  // redis-cli --cluster create host:port ... --cluster-replicas N
  std::vector<Sourced<std::string>> cluster_create_hosts;
  std::optional<Sourced<long long>> cluster_replicas;
};
RedisCommand parse_redis_command(const std::vector<std::string>& argv, const Origin& origin,
                                 Diagnostics& diag);

// What one redis process says about itself.
struct RedisSettings {
  std::vector<Setting>
      settings;  // maxmemory, maxmemory_policy, node_timeout, require_full_coverage
  std::optional<Sourced<bool>> cluster_enabled;
  std::optional<Sourced<std::string>> replica_of;    // the master's host
  bool sentinel = false;                             // runs as a Sentinel
  std::optional<Sourced<std::string>> monitor_host;  // sentinel monitor <name> <host> ...
  std::vector<Setting> sentinel_settings;            // quorum, down_after, failover_timeout
};
void apply_redis_directives(const std::vector<Directive>& ds, RedisSettings& out,
                            Diagnostics& diag);
// Bitnami's redis and redis-sentinel images: REDIS_REPLICATION_MODE, REDIS_MASTER_HOST,
// REDIS_SENTINEL_QUORUM, REDIS_SENTINEL_DOWN_AFTER_MILLISECONDS, REDIS_SENTINEL_FAILOVER_TIMEOUT.
void apply_redis_env(const Container& c, bool sentinel_image, RedisSettings& out,
                     Diagnostics& diag);

// ---- PgBouncer ----

struct PgbouncerSettings {
  std::vector<Setting> settings;                   // pool_mode, default_pool_size, ...
  std::vector<Sourced<std::string>> server_hosts;  // where it connects
};
// pgbouncer.ini: [databases] "name = host=... port=..." and [pgbouncer] "key = value".
void read_pgbouncer_ini(const ConfigSource& cs, PgbouncerSettings& out, Diagnostics& diag);
// The images' environment: edoburu/pgbouncer (DB_HOST, DATABASE_URL, POOL_MODE, ...),
// bitnami/pgbouncer (POSTGRESQL_HOST, PGBOUNCER_POOL_MODE, ...), pgbouncer/pgbouncer
// (DATABASES_HOST, PGBOUNCER_POOL_MODE, ...).
void read_pgbouncer_env(const Container& c, PgbouncerSettings& out, Diagnostics& diag);

// ---- PostgreSQL and Patroni ----

struct PostgresSettings {
  std::map<std::string, RawSetting> params;  // postgresql.conf parameters by name
  std::vector<Setting> failover;             // failover/manager, failover/ttl, ...
  std::optional<Sourced<bool>> patroni_synchronous_mode;
  std::vector<Sourced<std::string>> patroni_hosts;  // connect_address hosts, to match a service
};
void read_postgresql_conf(const ConfigSource& cs, PostgresSettings& out);
// `postgres -c name=value` and `--name=value` on the command line.
void read_postgres_command(const std::vector<std::string>& argv, const Origin& origin,
                           PostgresSettings& out);
// Bitnami's POSTGRESQL_MAX_CONNECTIONS, POSTGRESQL_SYNCHRONOUS_COMMIT_MODE and
// POSTGRESQL_NUM_SYNCHRONOUS_REPLICAS (also with the newer POSTGRES_ prefix).
void read_postgres_env(const Container& c, PostgresSettings& out);
// patroni.yml: bootstrap.dcs ttl / loop_wait / retry_timeout / maximum_lag_on_failover /
// synchronous_mode, and postgresql.parameters (also under bootstrap.dcs.postgresql).
void read_patroni(const ConfigSource& cs, PostgresSettings& out, Diagnostics& diag);
// The capsim keys: max_connections and replication (sync when synchronous_standby_names is set and
// synchronous_commit waits for the standby, or Patroni's synchronous_mode is on).
std::vector<Setting> postgres_settings(const PostgresSettings& s, Diagnostics& diag);

// ---- BullMQ worker options ----

struct BullmqOptions {
  std::vector<std::string> names;  // the queue name it states, and its file name's stem
  std::vector<Setting> settings;   // concurrency, attempts, backoff, limiter, lock_duration, ...
  Origin origin;
};
// A JSON object of Worker options (concurrency, limiter {max, duration ms}, lockDuration,
// stalledInterval) and job options (attempts, backoff {type, delay ms}, also under
// defaultJobOptions), with the queue's name in "queue", "queueName" or "name".
std::optional<BullmqOptions> read_bullmq(const ConfigSource& cs, Diagnostics& diag);

}  // namespace capsim::import
