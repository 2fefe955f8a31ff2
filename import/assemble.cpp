#include "import/assemble.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "import/assembler.hpp"
#include "import/inputs.hpp"
#include "import/nginx_conf.hpp"
#include "import/product_configs.hpp"
#include "import/quantities.hpp"
#include "import/recognise.hpp"
#include "import/text.hpp"
#include "import/wiring.hpp"

namespace capsim::import {

const Setting* Component::get(const std::string& key) const {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

void Component::set(const std::string& key, nlohmann::ordered_json value, const Origin& origin,
                    Diagnostics& diag) {
  for (auto& s : settings) {
    if (s.key != key) continue;
    if (s.value != value)
      diag.warn(origin,
                fmt::format("{}: {} is {} by {} and {} by {}; using {}", name, key, s.value.dump(),
                            s.origin.text(), value.dump(), origin.text(), value.dump()));
    s.value = std::move(value);
    s.origin = origin;
    return;
  }
  settings.push_back({key, std::move(value), origin});
}

namespace detail {

int kind_rank(const std::string& kind) {
  static const std::vector<std::string> order = {"load_balancer", "app",    "pgbouncer",
                                                 "postgres",      "redis",  "qdrant",
                                                 "worker_queue",  "station"};
  auto it = std::find(order.begin(), order.end(), kind);
  return static_cast<int>(it - order.begin());
}

const char* kind_of(Product p) {
  switch (p) {
    case Product::app:
      return "app";
    case Product::worker:
      return "worker_queue";
    case Product::load_balancer:
      return "load_balancer";
    case Product::pgbouncer:
      return "pgbouncer";
    case Product::postgres:
      return "postgres";
    case Product::redis:
    case Product::redis_sentinel:
      return "redis";
    case Product::qdrant:
      return "qdrant";
    default:
      return "station";
  }
}

bool is_data_kind(const std::string& kind) {
  return kind == "postgres" || kind == "pgbouncer" || kind == "redis" || kind == "qdrant";
}

Origin combine(const std::vector<Origin>& os) {
  if (os.empty()) return {};
  if (os.size() == 1) return os[0];
  std::vector<std::pair<std::string, std::vector<std::string>>> by_file;
  for (const auto& o : os) {
    auto it = std::find_if(by_file.begin(), by_file.end(),
                           [&](const auto& f) { return f.first == o.file_label(); });
    if (it == by_file.end())
      by_file.push_back({o.file_label(), {o.path}});
    else
      it->second.push_back(o.path);
  }
  std::vector<std::string> parts;
  for (auto& [file, paths] : by_file) {
    paths.erase(std::remove(paths.begin(), paths.end(), std::string()), paths.end());
    parts.push_back(paths.empty() ? file : file + ": " + join(paths, ", "));
  }
  Origin out = os[0];
  out.file = join(parts, "; ");
  out.doc = -1;
  out.path = "";
  return out;
}

Assembly Assembler::run() {
  recognise_all();
  attach_mounted_configs();
  read_workload_products();
  group();
  build_components();
  wire();
  classify_unknowns();
  assign_unmounted_configs();
  for (auto& c : out_.components) settings(c);
  for (const auto& h : in_.hpas) apply_hpa(h);
  derived_wiring();
  std::stable_sort(out_.components.begin(), out_.components.end(),
                   [](const Component& a, const Component& b) {
                     if (kind_rank(a.kind) != kind_rank(b.kind))
                       return kind_rank(a.kind) < kind_rank(b.kind);
                     return a.name < b.name;
                   });
  return std::move(out_);
}

void Assembler::recognise_all() {
  for (const auto& w : in_.workloads) {
    Info info;
    info.w = &w;
    std::vector<Recognition> recs;
    for (const auto& c : w.containers) recs.push_back(recognise(c));
    // The main container is the first of a data product, else the first.
    for (std::size_t k = 0; k < recs.size(); k++) {
      Product p = recs[k].product;
      if (p != Product::unknown && p != Product::app && p != Product::worker) {
        info.main = k;
        break;
      }
    }
    info.rec = recs[info.main];
    if (info.rec.product == Product::redis_sentinel) info.role = Role::sentinel;
    if (info.rec.product == Product::redis_cli) info.role = Role::client;
    // Sentinel sidecars (Bitnami's chart runs one beside each redis).
    for (std::size_t k = 0; k < recs.size(); k++) {
      if (k == info.main || recs[k].product != Product::redis_sentinel ||
          info.rec.product != Product::redis)
        continue;
      info.sidecar_sentinels += info.count();
      info.sidecar_origins.push_back(info.count_origin());
      apply_redis_env(w.containers[k], true, info.redis, diag_);
      auto rc = parse_redis_command(w.containers[k].argv, w.containers[k].argv_origin, diag_);
      apply_redis_directives(rc.directives, info.redis, diag_);
    }
    infos_.push_back(std::move(info));
  }
}

void Assembler::attach_mounted_configs() {
  for (std::size_t ci = 0; ci < in_.configs.size(); ci++) {
    const ConfigSource& cs = in_.configs[ci];
    for (auto& info : infos_) {
      bool found = false;
      for (const auto& c : info.w->containers)
        for (const auto& m : c.mounts) {
          bool file = !m.file.empty() && !cs.file.empty() &&
                      (m.file == cs.file || starts_with(cs.file, m.file + "/"));
          bool cm = !m.configmap.empty() && m.configmap == cs.configmap && info.w->ns == cs.ns &&
                    (m.key.empty() || m.key == cs.name);
          found = found || file || cm;
        }
      if (found) {
        info.configs.push_back(static_cast<int>(ci));
        mounted_[ci] = true;
      }
    }
  }
}

void Assembler::read_redis(Info& info) {
  for (int ci : info.configs) {
    const ConfigSource& cs = in_.configs[ci];
    if (cs.type == ConfigType::redis || cs.type == ConfigType::sentinel)
      apply_redis_directives(parse_redis_conf(cs), info.redis, diag_);
  }
  const Container& c = info.container();
  auto rc = parse_redis_command(c.argv, c.argv_origin, diag_);
  apply_redis_directives(rc.directives, info.redis, diag_);
  if (rc.sentinel_flag) info.redis.sentinel = true;
  apply_redis_env(c, image_repository(c.image.value) == "bitnami/redis-sentinel", info.redis,
                  diag_);
}

void Assembler::read_workload_products() {
  for (auto& info : infos_) {
    const Container& c = info.container();
    switch (info.rec.product) {
      case Product::redis:
      case Product::redis_sentinel:
        read_redis(info);
        break;
      case Product::redis_cli:
        info.cli = parse_redis_command(c.argv, c.argv_origin, diag_);
        break;
      case Product::postgres:
        // Bitnami's replication: REPLICATION_MODE master / slave with MASTER_HOST (also with
        // the newer POSTGRES_ prefix).
        for (const std::string prefix : {"POSTGRESQL_", "POSTGRES_"}) {
          const EnvVar* mode = c.find_env(prefix + "REPLICATION_MODE");
          if (!mode || !mode->value) continue;
          std::string m = lower(*mode->value);
          if (m == "master") {
            info.pg_primary_mode = true;
          } else if (m == "slave" || m == "replica") {
            const EnvVar* host = c.find_env(prefix + "MASTER_HOST");
            if (!host || !host->value)
              diag_.problem(mode->origin,
                            fmt::format("{}REPLICATION_MODE is {} without {}MASTER_HOST "
                                        "(expected the primary's host)",
                                        prefix, m, prefix));
            else
              info.pg_master = {*host->value, host->origin};
            info.role = Role::replica;
          } else {
            diag_.problem(mode->origin, fmt::format("{}REPLICATION_MODE: expected master or "
                                                    "slave, got \"{}\"",
                                                    prefix, *mode->value));
          }
        }
        break;
      case Product::qdrant:
        if (const EnvVar* b = c.find_env("QDRANT__CLUSTER__P2P__BOOTSTRAP__URI"); b && b->value)
          if (auto e = parse_endpoint(*b->value)) info.qdrant_bootstrap = {e->host, b->origin};
        for (std::size_t k = 0; k + 1 < c.argv.size(); k++)
          if (c.argv[k] == "--bootstrap")
            if (auto e = parse_endpoint(c.argv[k + 1]))
              info.qdrant_bootstrap = {e->host,
                                       c.argv_origin.at(c.argv_origin.path + ": --bootstrap")};
        break;
      default:
        break;
    }
  }
}

// The workloads of `products` that `host` names, or a problem: a reference to a missing service.
std::vector<int> Assembler::resolve(const Sourced<std::string>& host,
                                    std::initializer_list<Product> products,
                                    const std::string& what) {
  bool local = false;
  auto found = dir_.resolve(host.value, &local);
  std::vector<int> out;
  for (int i : found)
    for (Product p : products)
      if (infos_[i].rec.product == p) out.push_back(i);
  if (!out.empty()) return out;
  if (local) return {};
  if (found.empty())
    missing(host.origin, what, host.value);
  else
    diag_.warn(host.origin, fmt::format("{} names \"{}\", which is {} {} (expected {})", what,
                                        host.value, "a", product_name(infos_[found[0]].rec.product),
                                        product_name(*products.begin())));
  return {};
}

void Assembler::missing(const Origin& o, const std::string& what, const std::string& host) {
  auto names = dir_.names();
  if (names.size() > 12) names.resize(12), names.push_back("...");
  diag_.problem(o, fmt::format("{} points at host \"{}\", which no service or Deployment among "
                               "the inputs provides (expected one of: {})",
                               what, host, join(names, ", ")));
}

void Assembler::group() {
  // A sentinel.conf of its own applies to the Sentinels that mount none.
  std::vector<int> loose_sentinel_confs;
  for (std::size_t ci = 0; ci < in_.configs.size(); ci++)
    if (!mounted_[ci] && in_.configs[ci].type == ConfigType::sentinel)
      loose_sentinel_confs.push_back(static_cast<int>(ci));
  if (loose_sentinel_confs.size() == 1) {
    bool used = false;
    for (auto& info : infos_)
      if (info.role == Role::sentinel && !info.redis.monitor_host) {
        apply_redis_directives(parse_redis_conf(in_.configs[loose_sentinel_confs[0]]), info.redis,
                               diag_);
        info.configs.push_back(loose_sentinel_confs[0]);
        used = true;
      }
    if (used) mounted_[loose_sentinel_confs[0]] = true;
  }

  std::map<std::string, int> cluster_stems, qdrant_stems;
  for (std::size_t i = 0; i < infos_.size(); i++) {
    Info& info = infos_[i];
    const int me = static_cast<int>(i);
    const std::string who = fmt::format("{} {}", info.w->source, info.w->name);
    if (info.redis.replica_of && info.role != Role::sentinel) {
      info.role = Role::replica;
      for (int t : resolve(*info.redis.replica_of, {Product::redis}, "replicaof of " + who))
        uf_.join(me, t);
    }
    if (info.role == Role::sentinel && info.redis.monitor_host)
      for (int t :
           resolve(*info.redis.monitor_host, {Product::redis}, "sentinel monitor of " + who))
        uf_.join(me, t);
    if (info.role == Role::client && !info.cli.cluster_create_hosts.empty()) {
      int anchor = -1;
      for (const auto& h : info.cli.cluster_create_hosts)
        for (int t : resolve(h, {Product::redis}, "redis-cli --cluster create of " + who)) {
          if (anchor < 0) anchor = t;
          uf_.join(anchor, t);
        }
      if (anchor >= 0) {
        if (info.cli.cluster_replicas) cluster_replicas_[anchor] = *info.cli.cluster_replicas;
        cluster_made_by_[anchor].push_back(who);
      }
    }
    if (info.pg_master)
      for (int t : resolve(*info.pg_master, {Product::postgres}, "MASTER_HOST of " + who))
        uf_.join(me, t);
    if (info.qdrant_bootstrap)
      for (int t : resolve(*info.qdrant_bootstrap, {Product::qdrant}, "bootstrap of " + who))
        uf_.join(me, t);
    // Numbered instances of one cluster ("cache-1" ... "cache-6", "vectors", "vectors-2").
    const std::string stem = without_instance_number(info.w->name);
    if (info.rec.product == Product::redis && info.redis.cluster_enabled &&
        info.redis.cluster_enabled->value) {
      auto [it, fresh] = cluster_stems.emplace(stem, me);
      if (!fresh) uf_.join(it->second, me);
    }
    if (info.rec.product == Product::qdrant) {
      auto [it, fresh] = qdrant_stems.emplace(stem, me);
      if (!fresh) uf_.join(it->second, me);
    }
  }
  // The group of a cluster's --cluster-replicas is its root's.
  std::map<int, Sourced<long long>> by_root;
  for (auto& [anchor, n] : cluster_replicas_) by_root[uf_.find(anchor)] = n;
  cluster_replicas_ = by_root;
  std::map<int, std::vector<std::string>> made_by;
  for (auto& [anchor, who] : cluster_made_by_)
    for (auto& x : who) made_by[uf_.find(anchor)].push_back(x);
  cluster_made_by_ = made_by;
}

void Assembler::build_components() {
  std::map<int, std::vector<int>> groups;
  for (std::size_t i = 0; i < infos_.size(); i++)
    if (infos_[i].role != Role::client || uf_.find(static_cast<int>(i)) != static_cast<int>(i))
      groups[uf_.find(static_cast<int>(i))].push_back(static_cast<int>(i));
  std::set<std::string> names;
  for (auto& [root, members] : groups) {
    // Clients (redis-cli) are not components.
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](int i) { return infos_[i].role == Role::client; }),
                  members.end());
    if (members.empty()) continue;
    int leader = members[0];
    for (int i : members)
      if (infos_[i].role == Role::primary) {
        leader = i;
        break;
      }
    Component c;
    c.members = members;
    c.kind = kind_of(infos_[leader].rec.product);
    // A group of numbered instances takes their common name ("cache-1".."cache-6" -> cache).
    std::string stem = without_instance_number(infos_[members[0]].w->name);
    bool common = members.size() > 1 && std::all_of(members.begin(), members.end(), [&](int i) {
                    return without_instance_number(infos_[i].w->name) == stem;
                  });
    std::string name = component_name(common ? stem : infos_[leader].w->name);
    if (names.count(name)) {
      std::string base = name;
      for (int k = 2; names.count(name); k++) name = base + "_" + std::to_string(k);
      diag_.warn(infos_[leader].w->origin,
                 fmt::format("two components would be named {}: this one is {}", base, name));
    }
    names.insert(name);
    c.name = name;
    c.kind_origin = infos_[leader].rec.origin;
    for (int i : members) component_of_[i] = out_.components.size();
    out_.components.push_back(std::move(c));
    (void)root;
  }
}

Info& Assembler::leader(const Component& c) {
  for (int i : c.members)
    if (infos_[i].role == Role::primary) return infos_[i];
  return infos_[c.members[0]];
}

void Assembler::add_edge(Component& from, std::size_t to, Edge e) {
  if (&out_.components[to] == &from) return;
  e.to = out_.components[to].name;
  from.edges.push_back(std::move(e));
}

// Apps, workers and unknown images: their environment's addresses and depends_on.
void Assembler::wire() {
  for (auto& comp : out_.components) {
    if (comp.kind != "app" && comp.kind != "worker_queue" && comp.kind != "station") continue;
    for (int i : comp.members) {
      const Info& info = infos_[i];
      const Container& c = info.container();
      for (const auto& v : c.env) {
        if (!v.value) continue;
        if (!may_name_host(v.name) && !contains(*v.value, "://")) continue;
        std::string error;
        auto e = parse_endpoint(*v.value, &error);
        const std::string what =
            fmt::format("environment variable {} of {} {}", v.name, info.w->source, info.w->name);
        if (!e) {
          if (!error.empty()) diag_.problem(v.origin, fmt::format("{}: {}", what, error));
          continue;
        }
        if (contains(e->host, "$")) {
          diag_.warn(v.origin, fmt::format("{} takes its host from a variable ({}): not wired",
                                           what, e->host));
          continue;
        }
        bool local = false;
        auto found = dir_.resolve(e->host, &local);
        if (found.empty()) {
          if (!local && is_data_reference(v.name, *e)) missing(v.origin, what, e->host);
          continue;
        }
        Edge edge;
        edge.via = v.name;
        edge.origin = v.origin;
        edge.read = is_read_reference(v.name);
        add_edge(comp, component_of_.at(found[0]), edge);
      }
      for (const auto& d : info.w->depends_on) {
        auto found = dir_.resolve(d.value);
        if (found.empty()) {
          missing(d.origin, fmt::format("depends_on of {} {}", info.w->source, info.w->name),
                  d.value);
          continue;
        }
        Edge edge;
        edge.via = "depends_on";
        edge.origin = d.origin;
        edge.declared = true;
        add_edge(comp, component_of_.at(found[0]), edge);
      }
    }
  }
  // Load balancers and PgBouncers may depend_on their upstream / server too.
  for (auto& comp : out_.components) {
    if (comp.kind != "load_balancer" && comp.kind != "pgbouncer") continue;
    for (int i : comp.members)
      for (const auto& d : infos_[i].w->depends_on) {
        auto found = dir_.resolve(d.value);
        if (found.empty()) {
          missing(d.origin,
                  fmt::format("depends_on of {} {}", infos_[i].w->source, infos_[i].w->name),
                  d.value);
          continue;
        }
        Edge edge;
        edge.via = "depends_on";
        edge.origin = d.origin;
        edge.declared = true;
        add_edge(comp, component_of_.at(found[0]), edge);
      }
  }
}

// An image the import does not know is an app when it serves a port and its environment
// points at the data services; otherwise a generic station, never dropped.
void Assembler::classify_unknowns() {
  for (auto& comp : out_.components) {
    if (comp.kind != "station") continue;
    const Info& info = leader(comp);
    const Container& c = info.container();
    if (info.rec.product == Product::unknown && c.ports &&
        std::any_of(comp.edges.begin(), comp.edges.end(),
                    [&](const Edge& e) { return !e.declared && is_data_kind(find(e.to)->kind); })) {
      comp.kind = "app";
      comp.kind_origin = c.ports ? *c.ports : comp.kind_origin;
      comp.sources.push_back(
          fmt::format("image {} serving a port and using the data services", c.image.value));
      continue;
    }
    if (info.rec.product == Product::mongo)
      diag_.warn(c.image.origin, fmt::format("image {}: capsim has no MongoDB kind yet: {} kept "
                                             "as a generic station (fill in its servers and "
                                             "service time)",
                                             c.image.value, comp.name));
    else
      diag_.warn(c.image.origin, fmt::format("unknown image {}: kept as a generic station (fill "
                                             "in its servers and service time)",
                                             c.image.value.empty() ? "(none)" : c.image.value));
  }
}

Component* Assembler::find(const std::string& name) {
  for (auto& c : out_.components)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::size_t> Assembler::of_kind(const std::string& kind) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < out_.components.size(); k++)
    if (out_.components[k].kind == kind) out.push_back(k);
  return out;
}

// Mounted files go with the workloads that mount them; a file of its own goes to the only
// component of its product (a sentinel.conf to the master it monitors, a patroni.yml to the
// postgres its connect_address names, BullMQ options to the worker of their queue).
void Assembler::assign_unmounted_configs() {
  for (std::size_t k = 0; k < out_.components.size(); k++)
    for (int i : out_.components[k].members)
      for (int ci : infos_[i].configs) {
        auto& list = configs_of_[k];
        if (std::find(list.begin(), list.end(), ci) == list.end()) list.push_back(ci);
      }
  for (std::size_t ci = 0; ci < in_.configs.size(); ci++) {
    if (mounted_[ci]) continue;
    const ConfigSource& cs = in_.configs[ci];
    std::optional<std::size_t> target;
    std::string kind;
    switch (cs.type) {
      case ConfigType::nginx:
        kind = "load_balancer";
        break;
      case ConfigType::pgbouncer:
        kind = "pgbouncer";
        break;
      case ConfigType::postgresql:
      case ConfigType::patroni:
        kind = "postgres";
        break;
      case ConfigType::redis:
      case ConfigType::sentinel:
        kind = "redis";
        break;
      case ConfigType::bullmq:
        kind = "worker_queue";
        break;
    }
    if (cs.type == ConfigType::sentinel) target = sentinel_target(cs);
    if (cs.type == ConfigType::patroni) target = patroni_target(cs);
    if (cs.type == ConfigType::bullmq) {
      target = bullmq_target(ci);
      if (!target) {
        check(cs);
        continue;
      }
    }
    auto candidates = of_kind(kind);
    if (!target && candidates.size() == 1) target = candidates[0];
    if (!target) {
      diag_.warn(
          cs.origin,
          fmt::format("{} ({}) applied to no component: {}", cs.name, config_type_name(cs.type),
                      candidates.empty() ? "there is no " + kind + " among the inputs"
                                         : "more than one " + kind + " and none mounts it"));
      check(cs);
      continue;
    }
    configs_of_[*target].push_back(static_cast<int>(ci));
  }
}

// A file applied to nothing is still read, so that its syntax and values are checked.
void Assembler::check(const ConfigSource& cs) {
  switch (cs.type) {
    case ConfigType::nginx:
      read_nginx_conf(cs, diag_);
      break;
    case ConfigType::pgbouncer: {
      PgbouncerSettings ps;
      read_pgbouncer_ini(cs, ps, diag_);
      break;
    }
    case ConfigType::postgresql:
    case ConfigType::patroni: {
      PostgresSettings ps;
      if (cs.type == ConfigType::patroni)
        read_patroni(cs, ps, diag_);
      else
        read_postgresql_conf(cs, ps);
      postgres_settings(ps, diag_);
      break;
    }
    case ConfigType::redis:
    case ConfigType::sentinel: {
      RedisSettings rs;
      apply_redis_directives(parse_redis_conf(cs), rs, diag_);
      break;
    }
    case ConfigType::bullmq:
      read_bullmq(cs, diag_);
      break;
  }
}

std::optional<std::size_t> Assembler::sentinel_target(const ConfigSource& cs) {
  RedisSettings rs;
  Diagnostics quiet;
  apply_redis_directives(parse_redis_conf(cs), rs, quiet);
  if (!rs.monitor_host) return std::nullopt;
  auto found = resolve(*rs.monitor_host, {Product::redis}, "sentinel monitor in " + cs.name);
  if (found.empty()) return std::nullopt;
  return component_of_.at(found[0]);
}

std::optional<std::size_t> Assembler::patroni_target(const ConfigSource& cs) {
  PostgresSettings ps;
  Diagnostics quiet;
  read_patroni(cs, ps, quiet);
  for (const auto& h : ps.patroni_hosts)
    for (int i : dir_.resolve(h.value))
      if (infos_[i].rec.product == Product::postgres) return component_of_.at(i);
  return std::nullopt;
}

// BullMQ options go to the worker whose name, or QUEUE / QUEUE_NAME / BULLMQ_QUEUE variable,
// is the queue the options name; else to the only worker; without one they make a worker
// queue of their own.
std::optional<std::size_t> Assembler::bullmq_target(std::size_t ci) {
  Diagnostics quiet;
  auto opts = read_bullmq(in_.configs[ci], quiet);
  auto workers = of_kind("worker_queue");
  if (opts) {
    for (const auto& n : opts->names)
      for (std::size_t k : workers) {
        if (out_.components[k].name == component_name(n)) return k;
        for (int i : out_.components[k].members)
          for (const char* var : {"QUEUE", "QUEUE_NAME", "BULLMQ_QUEUE"})
            if (auto* e = infos_[i].container().find_env(var); e && e->value && *e->value == n)
              return k;
      }
  }
  if (workers.size() == 1) return workers[0];
  if (workers.empty() && opts && !opts->names.empty()) {
    Component c;
    c.name = component_name(opts->names[0]);
    c.kind = "worker_queue";
    c.kind_origin = in_.configs[ci].origin;
    c.sources.push_back("the BullMQ options " + in_.configs[ci].name);
    out_.components.push_back(std::move(c));
    return out_.components.size() - 1;
  }
  diag_.warn(in_.configs[ci].origin,
             fmt::format("{}: cannot tell which worker runs this queue: not applied",
                         in_.configs[ci].name));
  return std::nullopt;
}

std::vector<const ConfigSource*> Assembler::configs(std::size_t k, ConfigType type) {
  std::vector<const ConfigSource*> out;
  for (int ci : configs_of_[k])
    if (in_.configs[ci].type == type) out.push_back(&in_.configs[ci]);
  return out;
}

void Assembler::placeholder(Component& c, const std::string& key, const std::string& text,
                            const std::string& what) {
  c.settings.push_back({key, text, Origin{}});
  out_.unknowns.push_back({"/components/" + c.name + "/" + key, c.name + ": " + what});
}

void Assembler::apply_hpa(const Hpa& h) {
  int target = -1;
  for (std::size_t i = 0; i < infos_.size() && target < 0; i++) {
    const Workload& w = *infos_[i].w;
    if (w.is_kubernetes() && w.name == h.target.value && w.ns == h.ns &&
        (h.target_kind.empty() || h.target_kind == w.source))
      target = static_cast<int>(i);
  }
  // A HPA beside a compose file (a runbook's proposal) scales the compose service of that name.
  for (std::size_t i = 0; i < infos_.size() && target < 0; i++)
    if (!infos_[i].w->is_kubernetes() && infos_[i].w->name == h.target.value)
      target = static_cast<int>(i);
  if (target < 0) {
    std::vector<std::string> names;
    for (const auto& info : infos_)
      if (info.w->source == (h.target_kind.empty() ? "Deployment" : h.target_kind))
        names.push_back(info.w->name);
    diag_.problem(h.target.origin,
                  fmt::format("HPA {}: scaleTargetRef names {} \"{}\", which is not among the "
                              "inputs (expected one of: {})",
                              h.name, h.target_kind.empty() ? "a workload" : h.target_kind,
                              h.target.value, names.empty() ? "none" : join(names, ", ")));
    return;
  }
  Component& c = out_.components[component_of_.at(target)];
  if (c.kind != "app" && c.kind != "worker_queue") {
    diag_.warn(h.origin, fmt::format("HPA {} scales {}, a {}: not modelled (capsim autoscales "
                                     "apps and worker queues)",
                                     h.name, c.name, c.kind));
    return;
  }
  c.sources.push_back(fmt::format("HPA {} in {}", h.name, h.origin.file_label()));
  for (const auto& s : h.settings) c.set(s.key, s.value, s.origin, diag_);
  // An AverageValue target as a utilisation of the request (which Kubernetes takes to be the
  // limit when only a limit is set).
  const Container& k = infos_[target].container();
  auto request = k.cpu_request ? k.cpu_request : k.cpu_limit;
  if (h.cpu_average_value) {
    if (request)
      c.set("autoscale/target_cpu", h.cpu_average_value->value / request->value,
            h.cpu_average_value->origin, diag_);
    else
      diag_.warn(h.cpu_average_value->origin,
                 fmt::format("HPA {}: a CPU averageValue without a CPU request to relate it to: "
                             "not imported",
                             h.name));
  }
  auto mem_request = k.mem_request ? k.mem_request : k.mem_limit;
  if (h.mem_average_value && mem_request)
    c.set("autoscale/target_memory", h.mem_average_value->value / mem_request->value,
          h.mem_average_value->origin, diag_);
}

const Edge* Assembler::first_edge_to(const Component& c, std::initializer_list<const char*> kinds,
                                     bool prefer_address) {
  const Edge* best = nullptr;
  for (const auto& e : c.edges) {
    Component* t = find(e.to);
    if (!t || std::none_of(kinds.begin(), kinds.end(), [&](const char* k) { return t->kind == k; }))
      continue;
    if (!best || (prefer_address && best->declared && !e.declared)) best = &e;
  }
  return best;
}

void Assembler::derived_wiring() {
  for (auto& c : out_.components) {
    if (c.kind == "load_balancer" && !c.get("upstream")) {
      if (const Edge* e = first_edge_to(c, {"app", "station"}))
        c.set("upstream", e->to, e->origin, diag_);
      else
        placeholder(c, "upstream",
                    fmt::format("FILL IN: the app {} balances over (no nginx.conf upstream or "
                                "depends_on among the inputs)",
                                c.name),
                    "the app or station it balances over");
    }
    if (c.kind == "pgbouncer" && !c.get("server")) {
      if (const Edge* e = first_edge_to(c, {"postgres"}))
        c.set("server", e->to, e->origin, diag_);
      else
        placeholder(c, "server",
                    fmt::format("FILL IN: the postgres behind {} (no [databases] host, "
                                "DATABASES_HOST / POSTGRESQL_HOST or depends_on among the inputs)",
                                c.name),
                    "the postgres component behind it");
    }
    if (c.kind == "worker_queue" && !c.get("broker")) {
      const Edge* best = nullptr;
      for (const auto& e : c.edges) {
        Component* t = find(e.to);
        if (!t || t->kind != "redis") continue;
        if (best && best->to != e.to && !e.declared && !best->declared)
          diag_.warn(e.origin,
                     fmt::format("{} talks to redis {} and {}: the broker is taken to be {}",
                                 c.name, best->to, e.to, best->to));
        if (!best || (best->declared && !e.declared)) best = &e;
      }
      // Without an address of its own, the only redis is the broker.
      auto redises = of_kind("redis");
      if (best)
        c.set("broker", best->to, best->origin, diag_);
      else if (redises.size() == 1 && c.members.empty())
        c.set("broker", out_.components[redises[0]].name, c.kind_origin, diag_),
            c.sources.push_back("its broker is the only redis");
      else
        placeholder(c, "broker", fmt::format("FILL IN: the redis holding {}'s queue", c.name),
                    "the redis component holding the queue");
    }
  }
  // Reads go to the replicas when an app has a separate address for them.
  for (auto& app : out_.components)
    for (const auto& e : app.edges) {
      if (!e.read) continue;
      Component* t = find(e.to);
      if (t && t->kind == "postgres" && t->get("read_replicas") &&
          t->get("read_replicas")->value.get<long long>() > 0 && !t->get("reads"))
        t->set("reads", "replicas", e.origin, diag_);
    }
}

}  // namespace detail

Assembly assemble(const Inputs& in, Diagnostics& diag) {
  return detail::Assembler(in, diag).run();
}

}  // namespace capsim::import
