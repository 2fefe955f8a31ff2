// Each component's settings from its workloads and config files: resources, and per kind the
// app server (gunicorn), BullMQ options, nginx, PgBouncer, PostgreSQL / Patroni, Redis
// (standalone, Sentinel, Cluster) and Qdrant.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "import/assembler.hpp"
#include "import/inputs.hpp"
#include "import/quantities.hpp"
#include "import/text.hpp"

namespace capsim::import::detail {

void Assembler::resources(Component& c, const Container& k) {
  // vcpus: the CPU limit rounded up to whole cores (capsim runs a replica on whole vCPUs).
  if (k.cpu_limit)
    c.set("vcpus", static_cast<long long>(std::ceil(k.cpu_limit->value - 1e-9)),
          k.cpu_limit->origin, diag_);
  if (k.cpu_request)
    c.set("cpu_request", number(k.cpu_request->value), k.cpu_request->origin, diag_);
  if (k.mem_request)
    c.set("memory_request", format_size(k.mem_request->value), k.mem_request->origin, diag_);
  if (k.mem_limit)
    c.set("memory_limit", format_size(k.mem_limit->value), k.mem_limit->origin, diag_);
}

nlohmann::ordered_json Assembler::number(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return static_cast<long long>(std::llround(v));
  return v;
}

void Assembler::describe(Component& c) {
  std::vector<std::string> parts;
  for (int i : c.members) {
    const Info& info = infos_[i];
    std::string role;
    switch (info.role) {
      case Role::replica:
        role = "replica, ";
        break;
      case Role::sentinel:
        role = "Sentinel, ";
        break;
      default:
        break;
    }
    std::string count = info.w->replicas ? fmt::format(" x{}", info.w->replicas->value) : "";
    parts.push_back(fmt::format("{} {}{} in {} ({}{})", info.w->source, info.w->name, count,
                                info.w->origin.file_label(), role, info.rec.why));
  }
  if (!parts.empty()) c.sources.insert(c.sources.begin(), join(parts, "; "));
}

void Assembler::settings(Component& c) {
  const std::size_t k = static_cast<std::size_t>(&c - out_.components.data());
  describe(c);
  for (const auto* cs : [&] {
         std::vector<const ConfigSource*> all;
         for (int ci : configs_of_[k]) all.push_back(&in_.configs[ci]);
         return all;
       }())
    c.sources.push_back(fmt::format(
        "{} ({})", cs->origin.path.empty() ? cs->origin.file_label() : cs->origin.text(),
        config_type_name(cs->type)));
  if (c.members.empty()) {
    bullmq(c, k);
    return;
  }
  Info& lead = leader(c);
  resources(c, lead.container());
  if (c.kind == "app") app(c, lead);
  if (c.kind == "worker_queue") {
    if (lead.w->replicas)
      c.set("workers", lead.w->replicas->value, lead.w->replicas->origin, diag_);
    bullmq(c, k);
  }
  if (c.kind == "load_balancer") load_balancer(c, k, lead);
  if (c.kind == "pgbouncer") pgbouncer(c, k, lead);
  if (c.kind == "postgres") postgres(c, k, lead);
  if (c.kind == "redis") redis(c, k);
  if (c.kind == "qdrant") qdrant(c, lead);
  if (c.kind == "station") {
    if (lead.w->replicas)
      c.set("servers", lead.w->replicas->value, lead.w->replicas->origin, diag_);
    placeholder(c, "service",
                fmt::format("FILL IN: service time per visit at {}, e.g. \"4ms\"", c.name),
                "service time per visit (a duration or a distribution)");
  }
}

// gunicorn's workers and timeout from its command line or $WEB_CONCURRENCY / $GUNICORN_CMD_ARGS
// (gunicorn settings: workers, timeout).
void Assembler::app(Component& c, const Info& lead) {
  if (lead.w->replicas) c.set("replicas", lead.w->replicas->value, lead.w->replicas->origin, diag_);
  const Container& k = lead.container();
  std::vector<std::string> args;
  bool gunicorn = false;
  for (const auto& a : k.argv) {
    if (contains(a, "gunicorn")) gunicorn = true;
    if (gunicorn) args.push_back(a);
  }
  Origin args_origin = k.argv_origin;
  if (const EnvVar* e = k.find_env("GUNICORN_CMD_ARGS"); e && e->value) {
    for (auto& w : shell_split(*e->value)) args.push_back(w);
    if (!gunicorn) args_origin = e->origin;
    gunicorn = true;
  }
  if (const EnvVar* e = k.find_env("WEB_CONCURRENCY"); e && e->value) {
    if (auto n = parse_integer(*e->value); n && *n >= 1)
      c.set("workers", *n, e->origin, diag_);
    else
      diag_.problem(e->origin, fmt::format("WEB_CONCURRENCY: expected a whole number of gunicorn "
                                           "workers, got \"{}\"",
                                           *e->value));
  }
  for (std::size_t i = 0; i < args.size(); i++) {
    std::string flag = args[i], value;
    if (auto eq = flag.find('='); eq != std::string::npos && starts_with(flag, "--"))
      value = flag.substr(eq + 1), flag = flag.substr(0, eq);
    else if ((flag == "-w" || flag == "--workers" || flag == "-t" || flag == "--timeout") &&
             i + 1 < args.size())
      value = args[++i];
    else if (starts_with(flag, "-w") && flag.size() > 2)
      value = flag.substr(2), flag = "-w";
    else
      continue;
    const Origin o = args_origin.at(args_origin.path + ": " + flag);
    if (flag == "-w" || flag == "--workers") {
      if (auto n = parse_integer(value); n && *n >= 1)
        c.set("workers", *n, o, diag_);
      else
        diag_.problem(o, fmt::format("gunicorn {}: expected a whole number of workers, got \"{}\"",
                                     flag, value));
    } else if (flag == "-t" || flag == "--timeout") {
      if (auto n = parse_integer(value); n && *n > 0)
        c.set("timeout", format_duration(static_cast<double>(*n)), o, diag_);
      else if (!(n && *n == 0))
        diag_.problem(o, fmt::format("gunicorn {}: expected a whole number of seconds, got \"{}\"",
                                     flag, value));
    }
  }
}

void Assembler::bullmq(Component& c, std::size_t k) {
  for (const auto* cs : configs(k, ConfigType::bullmq))
    if (auto opts = read_bullmq(*cs, diag_))
      for (const auto& s : opts->settings) c.set(s.key, s.value, s.origin, diag_);
}

void Assembler::load_balancer(Component& c, std::size_t k, const Info& lead) {
  if (lead.w->replicas)
    c.set("instances", lead.w->replicas->value, lead.w->replicas->origin, diag_);
  for (const auto* cs : configs(k, ConfigType::nginx)) nginx(c, *cs);
}

// The upstream of the location that proxies to it ("location /" first), its balancing method,
// the servers' max_fails / fail_timeout, and the proxy settings in effect there.
void Assembler::nginx(Component& c, const ConfigSource& cs) {
  NginxConfig conf = read_nginx_conf(cs, diag_);
  struct Choice {
    std::size_t component;
    const NginxProxy* proxy;
    const NginxUpstream* upstream;
  };
  std::vector<Choice> choices;
  for (const auto& p : conf.proxies) {
    const NginxUpstream* up = nullptr;
    for (const auto& u : conf.upstreams)
      if (u.name == p.target) up = &u;
    std::optional<std::size_t> target;
    if (up) {
      for (const auto& s : up->servers) {
        if (s.backup || s.down) continue;
        auto found = dir_.resolve(s.host);
        if (found.empty()) {
          missing(s.origin,
                  fmt::format("server {} of upstream {} in {}", s.address, up->name, cs.name),
                  s.host);
          continue;
        }
        std::size_t t = component_of_.at(found[0]);
        if (target && *target != t)
          diag_.warn(s.origin, fmt::format("upstream {} mixes {} and {}: capsim balances over one "
                                           "component, {}",
                                           up->name, out_.components[*target].name,
                                           out_.components[t].name, out_.components[*target].name));
        if (!target) target = t;
      }
    } else {
      auto found = dir_.resolve(p.target);
      if (found.empty()) {
        bool external = contains(p.target, ".");
        if (!external) missing(p.origin, "proxy_pass in " + cs.name, p.target);
        continue;
      }
      target = component_of_.at(found[0]);
    }
    if (target) choices.push_back({*target, &p, up});
  }
  if (choices.empty()) return;
  auto chosen = std::find_if(choices.begin(), choices.end(), [](const Choice& ch) {
    return ends_with(ch.proxy->location, "location /");
  });
  if (chosen == choices.end()) chosen = choices.begin();
  for (const auto& ch : choices)
    if (ch.component != chosen->component)
      diag_.warn(ch.proxy->origin,
                 fmt::format("{} also proxies to {}: a capsim load balancer has one upstream ({})",
                             cs.name, out_.components[ch.component].name,
                             out_.components[chosen->component].name));
  c.set("upstream", out_.components[chosen->component].name,
        chosen->upstream ? chosen->upstream->origin : chosen->proxy->origin, diag_);
  if (const NginxUpstream* up = chosen->upstream) {
    if (up->balance) c.set("balance", up->balance->value, up->balance->origin, diag_);
    same_on_every_server(c, *up, "max_fails");
    same_on_every_server(c, *up, "fail_timeout");
  }
  for (const auto& s : chosen->proxy->settings) c.set(s.key, s.value, s.origin, diag_);
}

// max_fails / fail_timeout are per server line; capsim has one value for the upstream.
void Assembler::same_on_every_server(Component& c, const NginxUpstream& up,
                                     const std::string& key) {
  std::optional<nlohmann::ordered_json> value;
  Origin origin;
  bool differ = false, any = false;
  for (const auto& s : up.servers) {
    if (s.backup || s.down) continue;
    nlohmann::ordered_json v;
    if (key == "max_fails" && s.max_fails)
      v = s.max_fails->value, origin = s.max_fails->origin, any = true;
    if (key == "fail_timeout" && s.fail_timeout)
      v = s.fail_timeout->value, origin = any ? origin : s.fail_timeout->origin, any = true;
    if (value && *value != v) differ = true;
    if (!value) value = v;
  }
  if (!any) return;
  if (differ)
    diag_.warn(up.origin,
               fmt::format("upstream {}: the servers' {} differ; capsim takes the first "
                           "server's ({})",
                           up.name, key, value->is_null() ? "nginx's default" : value->dump()));
  if (!value->is_null()) c.set(key, *value, origin_of_first(up, key), diag_);
}

Origin Assembler::origin_of_first(const NginxUpstream& up, const std::string& key) {
  for (const auto& s : up.servers) {
    if (s.backup || s.down) continue;
    if (key == "max_fails" && s.max_fails) return s.max_fails->origin;
    if (key == "fail_timeout" && s.fail_timeout) return s.fail_timeout->origin;
    break;
  }
  return up.origin;
}

void Assembler::pgbouncer(Component& c, std::size_t k, const Info& lead) {
  if (lead.w->replicas)
    c.set("instances", lead.w->replicas->value, lead.w->replicas->origin, diag_);
  PgbouncerSettings ps;
  read_pgbouncer_env(lead.container(), ps, diag_);
  // A pgbouncer.ini mounted in the container replaces the one the image writes from its env.
  for (const auto* cs : configs(k, ConfigType::pgbouncer)) read_pgbouncer_ini(*cs, ps, diag_);
  for (const auto& s : ps.settings) c.set(s.key, s.value, s.origin, diag_);
  std::optional<std::size_t> server;
  for (const auto& h : ps.server_hosts) {
    auto found = resolve(h, {Product::postgres}, "the server of PgBouncer " + c.name);
    if (found.empty()) continue;
    std::size_t t = component_of_.at(found[0]);
    if (server && *server != t) {
      diag_.warn(h.origin, fmt::format("{}: PgBouncer pools for {} and {}: capsim's pgbouncer has "
                                       "one server, {}",
                                       c.name, out_.components[*server].name,
                                       out_.components[t].name, out_.components[*server].name));
      continue;
    }
    if (!server) c.set("server", out_.components[t].name, h.origin, diag_);
    server = t;
  }
}

void Assembler::postgres(Component& c, std::size_t k, Info& lead) {
  PostgresSettings ps;
  read_postgres_env(lead.container(), ps);
  for (const auto* cs : configs(k, ConfigType::postgresql)) read_postgresql_conf(*cs, ps);
  bool patroni = lead.rec.patroni;
  for (const auto* cs : configs(k, ConfigType::patroni)) {
    read_patroni(*cs, ps, diag_);
    patroni = true;
  }
  read_postgres_command(lead.container().argv, lead.container().argv_origin, ps);
  for (const auto& s : postgres_settings(ps, diag_)) c.set(s.key, s.value, s.origin, diag_);

  // Read replicas: the members of a Patroni cluster or a StatefulSet are one primary and
  // replicas - 1 replicas; Bitnami's replica workloads are all replicas of their primary.
  long long replicas = 0;
  std::vector<Origin> origins;
  bool known = false;
  for (int i : c.members) {
    const Info& m = infos_[i];
    if (m.role == Role::replica) {
      replicas += m.count();
      origins.push_back(m.count_origin());
      known = true;
    } else if ((patroni || m.w->source == "StatefulSet") && !m.pg_primary_mode && m.w->replicas) {
      replicas += std::max(0LL, m.w->replicas->value - 1);
      origins.push_back(m.w->replicas->origin);
      known = true;
    } else if (m.w->replicas && m.w->replicas->value > 1) {
      diag_.warn(m.w->replicas->origin,
                 fmt::format("{} {}: {} copies of a PostgreSQL primary are not read replicas "
                             "(replicas come from a StatefulSet, Patroni or a "
                             "REPLICATION_MODE=slave service)",
                             m.w->source, m.w->name, m.w->replicas->value));
    }
  }
  if (known) c.set("read_replicas", replicas, combine(origins), diag_);
  if (patroni) {
    if (ps.failover.empty()) c.set("failover/manager", "patroni", lead.rec.origin, diag_);
    for (const auto& s : ps.failover) c.set(s.key, s.value, s.origin, diag_);
  } else {
    // PostgreSQL does not fail over by itself (high-availability.sgml): without a manager
    // among the inputs a replica is promoted by hand.
    c.set("failover/manager", "manual", lead.rec.origin, diag_);
    c.sources.push_back("no failover manager among the inputs, so failover is manual");
  }
}

void Assembler::redis(Component& c, std::size_t k) {
  const Info& lead = leader(c);
  RedisSettings rs = lead.redis;
  // A redis.conf of its own (not mounted) for the only redis.
  for (const auto* cs : configs(k, ConfigType::redis)) {
    bool mounted_here = std::find(lead.configs.begin(), lead.configs.end(),
                                  static_cast<int>(cs - in_.configs.data())) != lead.configs.end();
    if (!mounted_here) apply_redis_directives(parse_redis_conf(*cs), rs, diag_);
  }
  bool sentinel_conf = false;
  for (const auto* cs : configs(k, ConfigType::sentinel)) {
    sentinel_conf = true;
    RedisSettings s;
    apply_redis_directives(parse_redis_conf(*cs), s, diag_);
    for (auto& x : s.sentinel_settings) rs.sentinel_settings.push_back(x);
  }
  long long servers = 0, replicas = 0, sentinels = 0;
  std::vector<Origin> server_o, replica_o, sentinel_o;
  bool cluster = rs.cluster_enabled && rs.cluster_enabled->value;
  for (int i : c.members)
    if (infos_[i].redis.cluster_enabled && infos_[i].redis.cluster_enabled->value) cluster = true;
  for (int i : c.members) {
    const Info& m = infos_[i];
    if (m.role == Role::sentinel) {
      sentinels += m.count(), sentinel_o.push_back(m.count_origin());
      for (auto& x : m.redis.sentinel_settings) rs.sentinel_settings.push_back(x);
      continue;
    }
    if (m.sidecar_sentinels) {
      sentinels += m.sidecar_sentinels;
      for (auto& o : m.sidecar_origins) sentinel_o.push_back(o);
      for (auto& x : m.redis.sentinel_settings) rs.sentinel_settings.push_back(x);
    }
    if (m.role == Role::replica) {
      replicas += m.count(), replica_o.push_back(m.count_origin());
    } else if (!cluster && m.w->source == "StatefulSet" && m.count() > 1) {
      // A StatefulSet of N redis pods outside a cluster: pod 0 is the master, the others
      // replicate from it (Bitnami's chart with Sentinel runs it so).
      servers += 1, server_o.push_back(m.count_origin());
      replicas += m.count() - 1, replica_o.push_back(m.count_origin());
    } else {
      servers += m.count(), server_o.push_back(m.count_origin());
    }
    // Settings the master does not state, from the others.
    for (const auto& s : m.redis.settings)
      if (std::none_of(rs.settings.begin(), rs.settings.end(),
                       [&](const Setting& x) { return x.key == s.key; }))
        rs.settings.push_back(s);
  }
  const int root = uf_.find(c.members[0]);
  if (cluster) {
    // Redis Cluster: N nodes made into masters with --cluster-replicas R each (redis-cli).
    Origin mode_o = rs.cluster_enabled ? rs.cluster_enabled->origin : lead.w->origin;
    for (int i : c.members)
      if (infos_[i].redis.cluster_enabled) mode_o = infos_[i].redis.cluster_enabled->origin;
    c.set("mode", "cluster", mode_o, diag_);
    long long nodes = servers + replicas;
    auto rpm = cluster_replicas_.find(root);
    long long per = rpm == cluster_replicas_.end() ? 0 : rpm->second.value;
    if (rpm == cluster_replicas_.end())
      out_.unknowns.push_back({"/components/" + c.name + "/replicas",
                               c.name + ": replicas per master (redis-cli --cluster create "
                                        "--cluster-replicas is not among the inputs; taken as 0)"});
    if (nodes % (per + 1) != 0)
      diag_.warn(lead.w->origin, fmt::format("{}: {} nodes do not split into masters with {} "
                                             "replicas each",
                                             c.name, nodes, per));
    std::vector<Origin> all = server_o;
    all.insert(all.end(), replica_o.begin(), replica_o.end());
    Origin count_o = combine(all);
    if (rpm != cluster_replicas_.end()) count_o = combine({count_o, rpm->second.origin});
    c.set("masters", nodes / (per + 1), count_o, diag_);
    c.set("replicas", per, rpm == cluster_replicas_.end() ? count_o : rpm->second.origin, diag_);
    if (cluster_made_by_.count(root))
      c.sources.push_back("cluster created by " + join(cluster_made_by_[root], ", "));
  } else {
    if (sentinels > 0)
      c.set("mode", "sentinel", combine(sentinel_o), diag_);
    else if (sentinel_conf)
      c.set("mode", "sentinel", configs(k, ConfigType::sentinel)[0]->origin, diag_);
    else
      c.set("mode", "standalone", lead.rec.origin, diag_);
    if (servers > 1)
      diag_.warn(lead.w->origin, fmt::format("{}: {} copies of a redis master that replicate from "
                                             "nothing: counted as one master",
                                             c.name, servers));
    if (!replica_o.empty()) c.set("replicas", replicas, combine(replica_o), diag_);
    if (sentinels > 0) c.set("sentinels", sentinels, combine(sentinel_o), diag_);
    if (sentinels == 0 && sentinel_conf)
      out_.unknowns.push_back({"/components/" + c.name + "/sentinels",
                               c.name + ": how many Sentinels run (none among the inputs; "
                                        "capsim's default is 3)"});
    for (const auto& s : rs.sentinel_settings) c.set(s.key, s.value, s.origin, diag_);
  }
  for (const auto& s : rs.settings) {
    if (!cluster && (s.key == "node_timeout" || s.key == "require_full_coverage")) continue;
    c.set(s.key, s.value, s.origin, diag_);
  }
}

void Assembler::qdrant(Component& c, const Info& lead) {
  long long nodes = 0;
  std::vector<Origin> origins;
  for (int i : c.members) nodes += infos_[i].count(), origins.push_back(infos_[i].count_origin());
  c.set("nodes", nodes, combine(origins), diag_);
  // Defaults for new collections (Qdrant config storage.collection); shard_number is set per
  // collection through the API and defaults to the node count.
  for (const auto& [var, key] : std::vector<std::pair<std::string, std::string>>{
           {"QDRANT__STORAGE__COLLECTION__REPLICATION_FACTOR", "replication_factor"},
           {"QDRANT__STORAGE__COLLECTION__WRITE_CONSISTENCY_FACTOR", "write_consistency_factor"}}) {
    const EnvVar* e = lead.container().find_env(var);
    if (!e || !e->value) continue;
    if (auto n = parse_integer(*e->value); n && *n >= 1)
      c.set(key, *n, e->origin, diag_);
    else
      diag_.problem(e->origin, fmt::format("{}: expected a whole number of at least 1, got \"{}\"",
                                           var, *e->value));
  }
}

}  // namespace capsim::import::detail
