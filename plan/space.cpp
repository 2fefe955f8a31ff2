#include "plan/space.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace capsim::plan {

using namespace config;

Choice current_choice(const Component& c) {
  Choice ch;
  ch.instance = c.instance.value_or("");
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, AppSpec>) ch.count = s.replicas;
        if constexpr (std::is_same_v<S, WorkerQueueSpec>) ch.count = s.workers;
        if constexpr (std::is_same_v<S, PostgresSpec>) ch.count = s.read_replicas;
        if constexpr (std::is_same_v<S, QdrantSpec>) ch.count = s.nodes;
        if constexpr (std::is_same_v<S, PgBouncerSpec>) ch.count = s.instances;
        if constexpr (std::is_same_v<S, LoadBalancerSpec>) ch.count = s.instances;
        if constexpr (std::is_same_v<S, StationSpec>) ch.count = s.servers;
        if constexpr (std::is_same_v<S, RedisSpec>) {
          ch.mode = s.mode;
          ch.count = s.mode == "cluster" ? s.masters : s.replicas;
        }
      },
      c.spec);
  return ch;
}

std::vector<Knob> knobs(const Topology& t) {
  std::vector<Knob> out;
  for (const auto& c : t.components) {
    Choice now = current_choice(c);
    Knob k;
    // Defaults: what a capacity review usually varies, keeping what the architect fixed.
    // Stateless tiers from 1 (N+1 decides how many more), read replicas 0..5 (the range),
    // Redis and Qdrant node counts as written (re-sharding them is a migration, not a plan).
    k.min = k.max = now.count;
    if (c.kind == "app" || c.kind == "worker_queue") k.min = 1, k.max = std::max(64, now.count);
    if (c.kind == "pgbouncer" || c.kind == "load_balancer")
      k.min = 1, k.max = std::max(4, now.count);
    if (c.kind == "postgres") k.min = 0, k.max = std::max(5, now.count);
    k.instances = {now.instance};
    k.modes = {now.mode};
    if (c.plan) {
      if (c.plan->min) k.min = *c.plan->min;
      if (c.plan->max) k.max = *c.plan->max;
      if (!c.plan->instances.empty()) k.instances = c.plan->instances;
      if (!c.plan->modes.empty()) k.modes = c.plan->modes;
    }
    out.push_back(std::move(k));
  }
  return out;
}

Topology apply(const Topology& t, const Setup& setup, const Catalog& catalog) {
  Topology out = t;
  for (std::size_t i = 0; i < out.components.size(); ++i) {
    Component& c = out.components[i];
    const Choice& ch = setup[i];
    if (!ch.instance.empty()) {
      const InstanceType* type = catalog.find(ch.instance);
      if (!type) throw std::logic_error("instance type not in the catalog: " + ch.instance);
      if (!c.instance || *c.instance != ch.instance) {
        // gunicorn's workers follow the machine (2 x vCPUs + 1) when that is how they were set.
        if (auto* app = std::get_if<AppSpec>(&c.spec); app && app->workers == 2 * c.vcpus + 1)
          app->workers = 0;
        c.vcpus = type->vcpus;
      }
      c.instance = ch.instance;
    }
    std::visit(
        [&](auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, AppSpec>) {
            s.replicas = ch.count;
            // The plan sizes for the peak: an autoscaler's range must let it run that many.
            auto widen = [&](auto& p) { p.max = std::max(p.max, ch.count); };
            std::visit(
                [&](auto& p) {
                  if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, std::monostate>)
                    widen(p);
                },
                s.autoscale);
          }
          if constexpr (std::is_same_v<S, WorkerQueueSpec>) s.workers = ch.count;
          if constexpr (std::is_same_v<S, PostgresSpec>) s.read_replicas = ch.count;
          if constexpr (std::is_same_v<S, QdrantSpec>) {
            if (s.shards == 0) s.shards = s.nodes;  // fixed when the collection was created
            s.nodes = ch.count;
          }
          if constexpr (std::is_same_v<S, PgBouncerSpec>) s.instances = ch.count;
          if constexpr (std::is_same_v<S, LoadBalancerSpec>) s.instances = ch.count;
          if constexpr (std::is_same_v<S, StationSpec>) s.servers = ch.count;
          if constexpr (std::is_same_v<S, RedisSpec>) {
            if (ch.mode != s.mode) {
              s.mode = ch.mode;
              if (ch.mode == "standalone") s.replicas = 0, s.masters = 1;
              if (ch.mode == "cluster") s.replicas = std::max(1, s.replicas);
            }
            if (s.mode == "cluster")
              s.masters = ch.count;
            else if (s.mode == "sentinel")
              s.replicas = ch.count, s.masters = 1;
          }
        },
        c.spec);
  }
  return out;
}

int billed_machines(const Component& c, const Choice& ch) {
  if (c.kind == "postgres") return 1 + ch.count;
  if (c.kind == "redis") {
    const auto& s = std::get<RedisSpec>(c.spec);
    if (ch.mode == "standalone") return 1;
    if (ch.mode == "sentinel") return 1 + ch.count;
    int replicas = s.mode == "cluster" ? s.replicas : std::max(1, s.replicas);
    return ch.count * (1 + replicas);
  }
  return ch.count;
}

double monthly_cost(const Component& c, const Choice& ch, const Catalog& catalog) {
  if (ch.instance.empty()) return 0;
  const InstanceType* type = catalog.find(ch.instance);
  return type ? billed_machines(c, ch) * type->hourly * Catalog::hours_per_month : 0;
}

std::string count_noun(const Component& c, const Choice& ch) {
  if (c.kind == "app") return "replicas";
  if (c.kind == "worker_queue") return "workers";
  if (c.kind == "postgres") return "read replicas";
  if (c.kind == "qdrant") return "nodes";
  if (c.kind == "station") return "servers";
  if (c.kind == "redis") return ch.mode == "cluster" ? "masters" : "replicas";
  return "instances";
}

std::string describe(const Component& c, const Choice& ch) {
  std::string type = ch.instance.empty() ? "" : " " + ch.instance;
  if (c.kind == "postgres")
    return ch.count == 0
               ? "primary" + type
               : fmt::format("primary + {} replica{}{}", ch.count, ch.count == 1 ? "" : "s", type);
  if (c.kind == "redis") {
    if (ch.mode == "standalone") return "standalone" + type;
    if (ch.mode == "sentinel")
      return fmt::format("sentinel, 1 + {} replica{}{}", ch.count, ch.count == 1 ? "" : "s", type);
    const auto& s = std::get<RedisSpec>(c.spec);
    int replicas = s.mode == "cluster" ? s.replicas : std::max(1, s.replicas);
    return fmt::format("cluster, {} x (1 + {}){}", ch.count, replicas, type);
  }
  return fmt::format("{} x{}", ch.count, type.empty() ? " " + count_noun(c, ch) : type);
}

}  // namespace capsim::plan
