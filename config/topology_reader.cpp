// Topology JSON -> config::Topology. One read_* function per type; every problem is recorded
// against its JSON pointer and reading goes on, so the user sees all of them at once.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "config/load.hpp"
#include "core/units.hpp"

namespace capsim::config {
namespace {

const char* article(const std::string& word) {
  return !word.empty() && std::string("aeiou").find(word[0]) != std::string::npos ? "an" : "a";
}

const std::vector<std::string> kKinds = {"station",  "load_balancer", "app",    "pgbouncer",
                                         "postgres", "redis",         "qdrant", "worker_queue"};

// ---- distributions -------------------------------------------------------------------------

std::optional<core::Distribution> read_distribution(const Json& j, const std::string& ptr,
                                              ReadContext& ctx) {
  // The short form: a duration string is a constant demand.
  if (j.is_string()) {
    core::Parsed p = core::parse_duration(j.get<std::string>());
    if (!p.error.empty()) {
      ctx.problem(ptr, p.error);
      return std::nullopt;
    }
    if (p.value <= 0 || p.value > 1e9) {
      ctx.problem(ptr,
                  "\"" + j.get<std::string>() +
                      "\" is out of range (expected a duration greater than 0 and under 30 years)");
      return std::nullopt;
    }
    return core::Distribution::constant(p.value);
  }
  if (!j.is_object()) {
    ctx.problem(ptr, "is " + json_type_name(j) +
                         " (expected a duration such as \"4ms\" or a distribution object)");
    return std::nullopt;
  }
  ObjectReader r(j, ptr, ctx);
  auto kind = r.choice("dist", {"const", "exp", "lognormal", "uniform", "empirical"}, true);
  if (!kind) {
    r.allow({"mean", "cv", "min", "max", "p50", "p90", "p95", "p99", "p999"});
    return std::nullopt;
  }
  core::Distribution d;
  if (*kind == "const" || *kind == "exp" || *kind == "lognormal") {
    auto mean = r.duration("mean", true);
    std::optional<double> cv;
    if (*kind == "lognormal") cv = r.number("cv", 0.0, 100.0, true);
    if (!mean || (*kind == "lognormal" && !cv)) return std::nullopt;
    if (*kind == "const") return core::Distribution::constant(*mean);
    if (*kind == "exp") return core::Distribution::exponential(*mean);
    d.kind = core::DistKind::LogNormal;
    d.mean = *mean;
    d.cv = *cv;
    return d;
  }
  if (*kind == "uniform") {
    auto lo = r.duration("min", true, true);
    auto hi = r.duration("max", true);
    if (!lo || !hi) return std::nullopt;
    if (*hi <= *lo) {
      r.problem("max", "must be greater than \"min\" (expected min < max)");
      return std::nullopt;
    }
    d.kind = core::DistKind::Uniform;
    d.min = *lo;
    d.max = *hi;
    d.mean = (*lo + *hi) / 2;
    return d;
  }
  // empirical: a piecewise-linear CDF through the given percentiles
  d.kind = core::DistKind::Empirical;
  d.min = r.duration_or("min", 0, true);
  std::vector<std::pair<double, double>> points = {{0.0, d.min}};
  const std::vector<std::pair<const char*, double>> keys = {
      {"p50", 0.50}, {"p90", 0.90}, {"p95", 0.95}, {"p99", 0.99}, {"p999", 0.999}};
  for (const auto& [key, p] : keys)
    if (auto v = r.duration(key)) points.emplace_back(p, *v);
  auto hi = r.duration("max", true);
  if (!hi) return std::nullopt;
  points.emplace_back(1.0, *hi);
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].second < points[i - 1].second) {
      ctx.problem(ptr, "percentiles must not decrease (expected min <= p50 <= ... <= max)");
      return std::nullopt;
    }
  }
  double mean = 0;
  for (std::size_t i = 1; i < points.size(); ++i)
    mean += (points[i].first - points[i - 1].first) * (points[i].second + points[i - 1].second) / 2;
  if (mean <= 0) {
    ctx.problem(ptr, "has a mean of 0 (expected some positive percentile)");
    return std::nullopt;
  }
  d.mean = mean;
  d.max = *hi;
  d.percentiles = std::move(points);
  return d;
}

std::optional<core::Distribution> distribution_field(ObjectReader& r, const std::string& key) {
  const Json* j = r.raw(key);
  if (!j) return std::nullopt;
  return read_distribution(*j, r.at(key), r.context());
}

// ---- autoscale ------------------------------------------------------------------------------

Autoscale read_autoscale(ObjectReader& parent) {
  const Json* j = parent.raw("autoscale");
  if (!j) return std::monostate{};
  ObjectReader r(*j, parent.at("autoscale"), parent.context());
  if (!r.valid()) return std::monostate{};
  auto policy = r.choice("policy", {"hpa", "step", "queue_depth"}, true);
  int min = static_cast<int>(r.integer_or("min", 0, 10000, 1));
  int max = static_cast<int>(r.integer_or("max", 1, 10000, 10));
  if (min > max)
    r.problem("min", std::to_string(min) + " is above max " + std::to_string(max) +
                         " (expected min <= max)");
  if (!policy) {
    r.allow({"target_cpu", "tolerance", "sync_period", "scale_down_window", "startup",
             "scale_up_at", "scale_down_at", "step_up", "step_down", "interval", "sustain",
             "scale_up_above", "scale_down_below", "up_to", "down_to"});
    return std::monostate{};
  }
  if (*policy == "hpa") {
    HpaPolicy p;
    p.min = std::max(min, 1);  // k8s: minReplicas >= 1
    p.max = max;
    p.target_cpu = r.fraction_or("target_cpu", p.target_cpu);
    p.tolerance = r.number_or("tolerance", 0, 1, p.tolerance);
    p.sync_period = r.duration_or("sync_period", p.sync_period);
    p.scale_down_window = r.duration_or("scale_down_window", p.scale_down_window, true);
    p.startup = r.duration_or("startup", p.startup, true);
    if (p.target_cpu <= 0)
      r.problem("target_cpu", "0 is out of range (expected a fraction above 0)");
    return p;
  }
  if (*policy == "step") {
    StepPolicy p;
    p.min = min;
    p.max = max;
    p.scale_up_at = r.fraction_or("scale_up_at", p.scale_up_at);
    p.scale_down_at = r.fraction_or("scale_down_at", p.scale_down_at);
    p.step_up = static_cast<int>(r.integer_or("step_up", 1, 1000, p.step_up));
    p.step_down = static_cast<int>(r.integer_or("step_down", 1, 1000, p.step_down));
    p.interval = r.duration_or("interval", p.interval);
    p.sustain = r.duration_or("sustain", p.sustain, true);
    p.startup = r.duration_or("startup", p.startup, true);
    if (p.scale_down_at >= p.scale_up_at)
      r.problem("scale_down_at",
                "must be below scale_up_at (expected scale_down_at < scale_up_at)");
    return p;
  }
  QueueDepthPolicy p;
  p.min = min;
  p.max = max;
  p.scale_up_above = r.integer_or("scale_up_above", 1, 1LL << 40, p.scale_up_above);
  p.scale_down_below = r.integer_or("scale_down_below", 0, 1LL << 40, p.scale_down_below);
  p.up_to = static_cast<int>(r.integer_or("up_to", 1, 10000, max));
  p.down_to = static_cast<int>(r.integer_or("down_to", 0, 10000, min));
  p.interval = r.duration_or("interval", p.interval);
  p.startup = r.duration_or("startup", p.startup, true);
  if (p.scale_down_below >= p.scale_up_above)
    r.problem("scale_down_below",
              "must be below scale_up_above (expected scale_down_below < scale_up_above)");
  return p;
}

// ---- one reader per kind ----------------------------------------------------------------------

StationSpec read_station(ObjectReader& r) {
  StationSpec s;
  s.servers = static_cast<int>(r.integer_or("servers", 1, 100000, s.servers));
  if (auto d = distribution_field(r, "service"))
    s.service = *d;
  else if (!r.has("service"))
    r.missing("service", "a service-time distribution such as \"4ms\"");
  if (r.has("queue_limit")) s.queue_limit = r.integer("queue_limit", 0, 1LL << 40);
  return s;
}

LoadBalancerSpec read_load_balancer(ObjectReader& r) {
  LoadBalancerSpec s;
  s.upstream = r.required_string("upstream", "the name of the component it balances over");
  s.balance =
      r.choice_or("balance", {"round_robin", "least_conn", "random", "two_choices"}, s.balance);
  s.max_fails = static_cast<int>(r.integer_or("max_fails", 0, 1000000, s.max_fails));
  s.fail_timeout = r.duration_or("fail_timeout", s.fail_timeout);
  s.next_upstream_tries =
      static_cast<int>(r.integer_or("next_upstream_tries", 0, 1000, s.next_upstream_tries));
  s.connect_timeout = r.duration_or("connect_timeout", s.connect_timeout);
  s.read_timeout = r.duration_or("read_timeout", s.read_timeout);
  if (auto d = distribution_field(r, "cpu")) s.cpu = *d;
  s.instances = static_cast<int>(r.integer_or("instances", 1, 1000, s.instances));
  return s;
}

AppSpec read_app(ObjectReader& r) {
  AppSpec s;
  s.replicas = static_cast<int>(r.integer_or("replicas", 1, 100000, s.replicas));
  s.workers = static_cast<int>(r.integer_or("workers", 1, 100000, 0));
  s.timeout = r.duration_or("timeout", s.timeout);
  s.backlog = r.integer_or("backlog", 0, 1LL << 30, s.backlog);
  s.autoscale = read_autoscale(r);
  return s;
}

PgBouncerSpec read_pgbouncer(ObjectReader& r) {
  PgBouncerSpec s;
  s.server = r.required_string("server", "the name of the postgres component");
  s.pool_mode = r.choice_or("pool_mode", {"session", "transaction", "statement"}, s.pool_mode);
  s.default_pool_size =
      static_cast<int>(r.integer_or("default_pool_size", 1, 100000, s.default_pool_size));
  s.reserve_pool_size =
      static_cast<int>(r.integer_or("reserve_pool_size", 0, 100000, s.reserve_pool_size));
  s.reserve_pool_timeout = r.duration_or("reserve_pool_timeout", s.reserve_pool_timeout, true);
  s.max_client_conn =
      static_cast<int>(r.integer_or("max_client_conn", 1, 10000000, s.max_client_conn));
  s.query_wait_timeout = r.duration_or("query_wait_timeout", s.query_wait_timeout, true);
  s.server_login_retry = r.duration_or("server_login_retry", s.server_login_retry);
  s.instances = static_cast<int>(r.integer_or("instances", 1, 1000, s.instances));
  if (auto d = distribution_field(r, "cpu")) s.cpu = *d;
  return s;
}

PostgresSpec read_postgres(ObjectReader& r) {
  PostgresSpec s;
  s.read_replicas = static_cast<int>(r.integer_or("read_replicas", 0, 100, s.read_replicas));
  s.replication = r.choice_or("replication", {"async", "sync"}, s.replication);
  if (auto d = distribution_field(r, "replication_lag")) s.replication_lag = *d;
  s.max_connections =
      static_cast<int>(r.integer_or("max_connections", 1, 1000000, s.max_connections));
  s.reads = r.choice_or("reads", {"replicas", "primary"}, s.reads);
  if (const Json* f = r.raw("failover")) {
    ObjectReader fr(*f, r.at("failover"), r.context());
    if (fr.valid()) {
      s.failover.manager = fr.choice_or("manager", {"patroni", "manual"}, s.failover.manager);
      s.failover.ttl = fr.duration_or("ttl", s.failover.ttl);
      s.failover.loop_wait = fr.duration_or("loop_wait", s.failover.loop_wait);
      s.failover.retry_timeout = fr.duration_or("retry_timeout", s.failover.retry_timeout);
      if (auto lag = fr.size("maximum_lag_on_failover")) s.failover.maximum_lag_on_failover = *lag;
      // Patroni rule: loop_wait + 2 x retry_timeout <= ttl (dynamic_configuration.rst)
      if (s.failover.manager == "patroni" &&
          s.failover.loop_wait + 2 * s.failover.retry_timeout > s.failover.ttl + 1e-9)
        fr.context().problem(fr.pointer(),
                             "loop_wait + 2 x retry_timeout exceeds ttl (expected loop_wait + 2 x "
                             "retry_timeout <= ttl, Patroni's rule)");
    }
  }
  return s;
}

RedisSpec read_redis(ObjectReader& r) {
  RedisSpec s;
  s.mode = r.choice_or("mode", {"standalone", "sentinel", "cluster"}, s.mode);
  s.masters = static_cast<int>(r.integer_or("masters", 1, 1000, s.mode == "cluster" ? 3 : 1));
  s.replicas = static_cast<int>(r.integer_or("replicas", 0, 100, s.mode == "standalone" ? 0 : 1));
  s.sentinels = static_cast<int>(r.integer_or("sentinels", 1, 100, s.sentinels));
  s.quorum = static_cast<int>(r.integer_or("quorum", 1, 100, s.quorum));
  s.down_after = r.duration_or("down_after", s.down_after);
  s.failover_timeout = r.duration_or("failover_timeout", s.failover_timeout);
  s.node_timeout = r.duration_or("node_timeout", s.node_timeout);
  s.require_full_coverage = r.boolean_or("require_full_coverage", s.require_full_coverage);
  if (auto d = distribution_field(r, "op_cost")) s.op_cost = *d;
  if (r.has("maxmemory")) s.maxmemory = r.size("maxmemory");
  if (r.has("working_set")) s.working_set = r.size("working_set");
  if (s.quorum > s.sentinels)
    r.problem("quorum", "quorum " + std::to_string(s.quorum) + " exceeds sentinels " +
                            std::to_string(s.sentinels) + " (expected quorum <= sentinels)");
  if (s.mode == "standalone" && s.masters != 1)
    r.problem("masters", "standalone redis has one master (expected mode \"cluster\" for several)");
  if (s.mode == "cluster" && s.masters < 3)
    r.problem("masters",
              std::to_string(s.masters) +
                  " is too few (expected at least 3 masters, the minimum Redis Cluster needs)");
  return s;
}

QdrantSpec read_qdrant(ObjectReader& r) {
  QdrantSpec s;
  s.nodes = static_cast<int>(r.integer_or("nodes", 1, 1000, s.nodes));
  s.shards = static_cast<int>(r.integer_or("shards", 1, 10000, s.nodes));
  s.replication_factor =
      static_cast<int>(r.integer_or("replication_factor", 1, 100, s.replication_factor));
  s.write_consistency_factor = static_cast<int>(
      r.integer_or("write_consistency_factor", 1, 100, s.write_consistency_factor));
  if (r.has("points")) s.points = r.integer("points", 0, 1LL << 50);
  if (s.replication_factor > s.nodes)
    r.problem("replication_factor", "replication_factor " + std::to_string(s.replication_factor) +
                                        " exceeds nodes " + std::to_string(s.nodes) +
                                        " (expected replication_factor <= nodes)");
  if (s.write_consistency_factor > s.replication_factor)
    r.problem("write_consistency_factor",
              "write_consistency_factor " + std::to_string(s.write_consistency_factor) +
                  " exceeds replication_factor " + std::to_string(s.replication_factor) +
                  " (expected write_consistency_factor <= replication_factor)");
  return s;
}

WorkerQueueSpec read_worker_queue(ObjectReader& r) {
  WorkerQueueSpec s;
  s.broker = r.required_string("broker", "the name of the redis component");
  s.workers = static_cast<int>(r.integer_or("workers", 1, 100000, s.workers));
  s.concurrency = static_cast<int>(r.integer_or("concurrency", 1, 100000, s.concurrency));
  s.attempts = static_cast<int>(r.integer_or("attempts", 1, 1000, s.attempts));
  if (auto b = r.string("backoff")) {
    // "none", "fixed 2s", "exponential 1s" (BullMQ backoff types)
    auto space = b->find(' ');
    std::string type = b->substr(0, space);
    std::string delay = space == std::string::npos ? "" : b->substr(space + 1);
    core::Parsed p = delay.empty() ? core::Parsed{0, ""} : core::parse_duration(delay);
    bool known = type == "none" || type == "fixed" || type == "exponential";
    bool delay_ok =
        type == "none" ? delay.empty() : (!delay.empty() && p.error.empty() && p.value > 0);
    if (!known || !delay_ok) {
      r.problem("backoff", "\"" + *b +
                               "\" is not a backoff (expected \"none\", \"fixed <duration>\" or "
                               "\"exponential <duration>\", e.g. \"exponential 1s\")");
    } else {
      s.backoff = type;
      s.backoff_delay = p.value;
    }
  }
  s.lock_duration = r.duration_or("lock_duration", s.lock_duration);
  s.stalled_interval = r.duration_or("stalled_interval", s.stalled_interval);
  if (const Json* l = r.raw("limiter")) {
    ObjectReader lr(*l, r.at("limiter"), r.context());
    if (lr.valid()) {
      s.limiter_max = static_cast<int>(lr.integer("max", 1, 100000000, true).value_or(0));
      s.limiter_duration = lr.duration("duration", true).value_or(0);
      if (s.limiter_duration <= 0) s.limiter_max = 0;
    }
  }
  s.autoscale = read_autoscale(r);
  return s;
}

std::optional<KindSpec> read_kind(const std::string& kind, ObjectReader& r) {
  if (kind == "station") return read_station(r);
  if (kind == "load_balancer") return read_load_balancer(r);
  if (kind == "app") return read_app(r);
  if (kind == "pgbouncer") return read_pgbouncer(r);
  if (kind == "postgres") return read_postgres(r);
  if (kind == "redis") return read_redis(r);
  if (kind == "qdrant") return read_qdrant(r);
  if (kind == "worker_queue") return read_worker_queue(r);
  return std::nullopt;
}

Component read_component(const std::string& name, const Json& j, const std::string& ptr,
                         const std::vector<std::string>& zones, ReadContext& ctx) {
  Component c;
  c.name = name;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return c;
  auto kind = r.choice("kind", kKinds, true);
  c.instance = r.string("instance");
  c.vcpus = static_cast<int>(r.integer_or("vcpus", 1, 4096, 0));
  if (const Json* z = r.raw("zones")) {
    if (expect_array(*z, r.at("zones"), ctx, "an array of zone names")) {
      for (std::size_t i = 0; i < z->size(); ++i) {
        const Json& zi = (*z)[i];
        std::string zp = child_pointer(r.at("zones"), i);
        if (!zi.is_string()) {
          ctx.problem(zp, "is " + json_type_name(zi) + " (expected a zone name)");
        } else if (std::find(zones.begin(), zones.end(), zi.get<std::string>()) == zones.end()) {
          std::string hint = core::closest_match(zi.get<std::string>(), zones);
          std::string known;
          for (const auto& z : zones) known += (known.empty() ? "\"" : ", \"") + z + "\"";
          ctx.problem(zp, "unknown zone \"" + zi.get<std::string>() + "\"" +
                              (!hint.empty()   ? " (did you mean \"" + hint + "\"?)"
                               : zones.empty() ? " (expected zones declared in /zones)"
                                               : " (expected one of " + known + ")"));
        } else {
          c.zones.push_back(zi.get<std::string>());
        }
      }
    }
  }
  if (const Json* pj = r.raw("plan")) {
    ObjectReader pr(*pj, r.at("plan"), ctx);
    if (pr.valid()) {
      PlanRange range;
      if (auto v = pr.integer("min", 0, 1000)) range.min = static_cast<int>(*v);
      if (auto v = pr.integer("max", 0, 1000)) range.max = static_cast<int>(*v);
      if (range.min && range.max && *range.min > *range.max)
        pr.problem("max", std::to_string(*range.max) + " is less than min " +
                              std::to_string(*range.min) + " (expected max >= min)");
      auto strings = [&](const char* key, std::vector<std::string>& into,
                         const std::vector<std::string>* allowed) {
        const Json* a = pr.raw(key);
        if (!a || !expect_array(*a, pr.at(key), ctx, "an array of names")) return;
        for (std::size_t i = 0; i < a->size(); ++i) {
          const Json& v = (*a)[i];
          std::string vp = child_pointer(pr.at(key), i);
          if (!v.is_string()) {
            ctx.problem(vp, "is " + json_type_name(v) + " (expected a string)");
          } else if (allowed && std::find(allowed->begin(), allowed->end(), v.get<std::string>()) ==
                                    allowed->end()) {
            std::string hint = core::closest_match(v.get<std::string>(), *allowed);
            ctx.problem(vp, "unknown redis mode \"" + v.get<std::string>() + "\"" +
                                (hint.empty() ? " (expected standalone, sentinel or cluster)"
                                              : " (did you mean \"" + hint + "\"?)"));
          } else {
            into.push_back(v.get<std::string>());
          }
        }
      };
      strings("instances", range.instances, nullptr);
      static const std::vector<std::string> modes = {"standalone", "sentinel", "cluster"};
      strings("modes", range.modes, &modes);
      if (!range.modes.empty() && kind && *kind != "redis")
        pr.problem("modes", "only a redis has modes (expected \"min\", \"max\", \"instances\")");
      c.plan = range;
    }
  }
  if (!kind) {
    // Still accept every kind's keys so that one wrong kind does not bury the user in unknown keys.
    r.allow({"servers",
             "service",
             "queue_limit",
             "upstream",
             "balance",
             "max_fails",
             "fail_timeout",
             "next_upstream_tries",
             "connect_timeout",
             "read_timeout",
             "cpu",
             "instances",
             "replicas",
             "workers",
             "timeout",
             "backlog",
             "autoscale",
             "server",
             "pool_mode",
             "default_pool_size",
             "reserve_pool_size",
             "reserve_pool_timeout",
             "max_client_conn",
             "query_wait_timeout",
             "server_login_retry",
             "read_replicas",
             "replication",
             "replication_lag",
             "max_connections",
             "reads",
             "failover",
             "mode",
             "masters",
             "sentinels",
             "quorum",
             "down_after",
             "failover_timeout",
             "node_timeout",
             "require_full_coverage",
             "op_cost",
             "maxmemory",
             "working_set",
             "nodes",
             "shards",
             "replication_factor",
             "write_consistency_factor",
             "points",
             "broker",
             "concurrency",
             "attempts",
             "backoff",
             "lock_duration",
             "stalled_interval",
             "limiter"});
    return c;
  }
  c.kind = *kind;
  c.spec = *read_kind(c.kind, r);
  return c;
}

// ---- calls ----------------------------------------------------------------------------------

std::vector<Call> read_calls(const Json& j, const std::string& ptr, ReadContext& ctx, int depth);

Call read_call(const Json& j, const std::string& ptr, ReadContext& ctx, int depth) {
  Call c;
  c.pointer = ptr;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return c;
  c.to = r.required_string("to", "the name of the component called");
  c.op = r.string_or("op", "");
  c.query = r.choice_or("query", {"read", "write"}, "");
  auto cpu = distribution_field(r, "cpu");
  auto time = distribution_field(r, "time");
  if (r.has("cpu") && r.has("time"))
    r.problem("time", "both \"cpu\" and \"time\" are given (expected one service demand per call)");
  c.demand = cpu ? cpu : time;
  c.io = distribution_field(r, "io");
  if (r.has("hit_ratio")) c.hit_ratio = r.fraction("hit_ratio");
  c.enqueue = r.string_or("enqueue", "");
  if (depth > 32) {
    ctx.problem(ptr, "calls are nested more than 32 deep (expected a shallower call tree)");
    r.allow({"on_miss", "calls", "parallel"});
    return c;
  }
  if (const Json* m = r.raw("on_miss")) c.on_miss = read_calls(*m, r.at("on_miss"), ctx, depth + 1);
  if (const Json* n = r.raw("calls")) c.calls = read_calls(*n, r.at("calls"), ctx, depth + 1);
  if (const Json* p = r.raw("parallel"))
    c.parallel = read_calls(*p, r.at("parallel"), ctx, depth + 1);
  if (!c.on_miss.empty() && !c.hit_ratio)
    r.problem("on_miss", "is given without \"hit_ratio\" (expected a hit_ratio for a cache call)");
  return c;
}

std::vector<Call> read_calls(const Json& j, const std::string& ptr, ReadContext& ctx, int depth) {
  std::vector<Call> calls;
  if (!expect_array(j, ptr, ctx, "an array of calls")) return calls;
  for (std::size_t i = 0; i < j.size(); ++i)
    calls.push_back(read_call(j[i], child_pointer(ptr, i), ctx, depth));
  return calls;
}

// ---- cross-references -------------------------------------------------------------------------

struct RefChecker {
  const Topology& t;
  ReadContext& ctx;

  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& c : t.components) n.push_back(c.name);
    return n;
  }

  // Reports unless `name` is a component whose kind is among `kinds` (any kind when empty).
  const Component* expect(const std::string& name, const std::string& ptr,
                          const std::vector<std::string>& kinds, const char* role) {
    const Component* c = t.find(name);
    if (!c) {
      std::string hint = core::closest_match(name, names());
      ctx.problem(ptr, "unknown component \"" + name + "\"" +
                           (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
      return nullptr;
    }
    if (!kinds.empty() && !c->kind.empty() &&
        std::find(kinds.begin(), kinds.end(), c->kind) == kinds.end()) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : " or ") + k;
      ctx.problem(ptr, "\"" + name + "\" is " + article(c->kind) + " " + c->kind + " (expected " +
                           role + ": " + article(kinds.front()) + " " + list + ")");
      return nullptr;
    }
    return c;
  }

  void calls(const std::vector<Call>& cs) {
    for (const auto& c : cs) call(c);
  }

  void call(const Call& c) {
    if (c.to.empty()) return;
    const Component* target = expect(c.to, c.pointer + "/to", {}, "a component");
    if (target) {
      if (!c.enqueue.empty()) {
        if (target->kind != "worker_queue")
          ctx.problem(c.pointer + "/enqueue", "enqueues on \"" + c.to + "\", " +
                                                  article(target->kind) + " " + target->kind +
                                                  " (expected a worker_queue)");
        bool known = std::any_of(t.jobs.begin(), t.jobs.end(),
                                 [&](const Job& j) { return j.name == c.enqueue; });
        if (!known) {
          std::vector<std::string> jobs;
          for (const auto& j : t.jobs) jobs.push_back(j.name);
          std::string hint = core::closest_match(c.enqueue, jobs);
          ctx.problem(c.pointer + "/enqueue",
                      "unknown job \"" + c.enqueue + "\"" +
                          (hint.empty() ? " (expected a job declared in /jobs)"
                                        : " (did you mean \"" + hint + "\"?)"));
        }
      } else if (target->kind == "worker_queue") {
        ctx.problem(c.pointer,
                    "calls worker_queue \"" + c.to +
                        "\" without \"enqueue\" (expected the name of a job to enqueue)");
      }
      if (!c.query.empty() && target->kind != "postgres" && target->kind != "pgbouncer")
        ctx.problem(c.pointer + "/query", "\"query\" on \"" + c.to + "\", " +
                                              article(target->kind) + " " + target->kind +
                                              " (expected a postgres or pgbouncer target)");
      if (c.hit_ratio && target->kind != "redis" && target->kind != "station")
        ctx.problem(c.pointer + "/hit_ratio", "\"hit_ratio\" on \"" + c.to + "\", " +
                                                  article(target->kind) + " " + target->kind +
                                                  " (expected a redis or station target)");
      if ((target->kind == "postgres" || target->kind == "pgbouncer") && c.query.empty())
        ctx.problem(c.pointer,
                    "a database call without \"query\" (expected \"read\" or \"write\")");
      if (target->kind == "load_balancer") {
        const auto& lb = std::get<LoadBalancerSpec>(target->spec);
        ctx.problem(c.pointer + "/to",
                    "calls load balancer \"" + c.to + "\" (expected a call to its upstream \"" +
                        lb.upstream +
                        "\": requests enter through the load balancer in front of it)");
      }
    }
    calls(c.on_miss);
    calls(c.calls);
    calls(c.parallel);
  }
};

void check_references(const Topology& t, const Json& j, ReadContext& ctx) {
  RefChecker check{t, ctx};
  for (const auto& c : t.components) {
    std::string ptr = child_pointer("/components", c.name);
    if (const auto* lb = std::get_if<LoadBalancerSpec>(&c.spec); lb && !lb->upstream.empty())
      check.expect(lb->upstream, ptr + "/upstream", {"app", "station"}, "an upstream");
    if (const auto* pb = std::get_if<PgBouncerSpec>(&c.spec); pb && !pb->server.empty())
      check.expect(pb->server, ptr + "/server", {"postgres"}, "a database server");
    if (const auto* wq = std::get_if<WorkerQueueSpec>(&c.spec); wq && !wq->broker.empty())
      check.expect(wq->broker, ptr + "/broker", {"redis"}, "a broker");
  }
  for (const auto& r : t.requests) check.calls(r.calls);
  for (const auto& job : t.jobs) check.calls(job.calls);
  (void)j;
}

}  // namespace

const Component* Topology::find(const std::string& n) const {
  for (const auto& c : components)
    if (c.name == n) return &c;
  return nullptr;
}

int Topology::index_of(const std::string& n) const {
  for (std::size_t i = 0; i < components.size(); ++i)
    if (components[i].name == n) return static_cast<int>(i);
  return -1;
}

Topology read_topology(const Json& j, ReadContext& ctx) {
  Topology t;
  t.file = ctx.file;
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return t;
  t.name = r.required_string("name", "a name for the system");
  r.string("description");
  if (const Json* z = r.raw("zones")) {
    if (expect_array(*z, "/zones", ctx, "an array of zone names")) {
      for (std::size_t i = 0; i < z->size(); ++i) {
        if (!(*z)[i].is_string() || (*z)[i].get<std::string>().empty())
          ctx.problem(child_pointer("/zones", i),
                      "is " + json_type_name((*z)[i]) + " (expected a zone name)");
        else
          t.zones.push_back((*z)[i].get<std::string>());
      }
    }
  }
  if (const Json* rj = r.raw("rules_of_thumb")) {
    ObjectReader rr(*rj, "/rules_of_thumb", ctx);
    if (rr.valid()) {
      RulesOfThumb rt;
      rt.app = rr.required_string("app", "the app component the instance rule sizes");
      rt.rps_per_app_instance =
          rr.number_or("rps_per_app_instance", 1e-6, 1e9, rt.rps_per_app_instance);
      rt.users_per_rps = rr.number_or("users_per_rps", 1e-6, 1e9, rt.users_per_rps);
      rt.db_connections_per_1000_users =
          rr.number_or("db_connections_per_1000_users", 0, 1e9, rt.db_connections_per_1000_users);
      rt.replicas_above_connections =
          rr.number_or("replicas_above_connections", 0, 1e9, rt.replicas_above_connections);
      rt.redis_gb_per_10000_users =
          rr.number_or("redis_gb_per_10000_users", 0, 1e9, rt.redis_gb_per_10000_users);
      rt.redis_cluster_above_gb =
          rr.number_or("redis_cluster_above_gb", 0, 1e9, rt.redis_cluster_above_gb);
      rr.string("source");
      t.rules_of_thumb = rt;
    }
  }
  if (const Json* n = r.raw("network")) {
    ObjectReader nr(*n, "/network", ctx);
    t.network.rtt = nr.duration_or("rtt", 0, true);
    t.network.cross_zone_rtt = nr.duration_or("cross_zone_rtt", t.network.rtt, true);
  }
  bool components_ok = true;
  if (const Json* cs = r.raw("components")) {
    ObjectReader cr(*cs, "/components", ctx);
    if (cr.valid()) {
      for (const auto& [name, value] : cs->items()) {
        cr.allow({name.c_str()});
        t.components.push_back(
            read_component(name, value, child_pointer("/components", name), t.zones, ctx));
      }
      if (cs->empty()) ctx.problem("/components", "is empty (expected at least one component)");
    } else {
      components_ok = false;
    }
  } else {
    r.missing("components", "an object of named components");
    components_ok = false;
  }
  if (const Json* js = r.raw("jobs")) {
    ObjectReader jr(*js, "/jobs", ctx);
    if (jr.valid()) {
      for (const auto& [name, value] : js->items()) {
        jr.allow({name.c_str()});
        std::string ptr = child_pointer("/jobs", name);
        ObjectReader one(value, ptr, ctx);
        Job job;
        job.name = name;
        job.priority = static_cast<int>(one.integer_or("priority", 0, 2097152, 0));
        if (const Json* calls = one.raw("calls"))
          job.calls = read_calls(*calls, one.at("calls"), ctx, 0);
        else if (one.valid())
          one.missing("calls", "an array of calls the job makes");
        t.jobs.push_back(std::move(job));
      }
    }
  }
  if (const Json* rs = r.raw("requests")) {
    ObjectReader rr(*rs, "/requests", ctx);
    if (rr.valid()) {
      double total = 0;
      for (const auto& [name, value] : rs->items()) {
        rr.allow({name.c_str()});
        std::string ptr = child_pointer("/requests", name);
        ObjectReader one(value, ptr, ctx);
        RequestClass rc;
        rc.name = name;
        rc.share = one.number("share", 0, 1, true).value_or(0);
        rc.idempotent = one.boolean_or("idempotent", true);
        if (const Json* calls = one.raw("calls"))
          rc.calls = read_calls(*calls, one.at("calls"), ctx, 0);
        else if (one.valid())
          one.missing("calls", "an array of calls the request makes");
        total += rc.share;
        t.requests.push_back(std::move(rc));
      }
      if (rs->empty())
        ctx.problem("/requests", "is empty (expected at least one request class)");
      else if (std::fabs(total - 1.0) > 1e-6)
        ctx.problem("/requests", "shares sum to " + number_text(total) +
                                     " (expected the request classes' shares to sum to 1)");
    }
  } else {
    r.missing("requests", "an object of request classes");
  }
  if (components_ok) check_references(t, j, ctx);
  return t;
}

}  // namespace capsim::config
