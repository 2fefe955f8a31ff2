#include "import/product_configs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "import/quantities.hpp"
#include "import/text.hpp"
#include "import/wiring.hpp"
#include "import/yaml_source.hpp"

namespace capsim::import {

namespace {

// Lines of a config text with their 1-based numbers, comments ("#", and ";" where allowed) and
// blank lines left out.
std::vector<std::pair<int, std::string>> content_lines(const std::string& text, bool semicolons) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n++;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || (semicolons && t[0] == ';')) continue;
    out.emplace_back(n, t);
  }
  return out;
}

std::string dq(const std::string& s) {
  return "\"" + s + "\"";
}

// The origin of a value of a YAML or JSON config file: inside a ConfigMap the file's own pointer
// follows the ConfigMap key's ("/data/patroni.yml: /bootstrap/dcs/ttl").
Origin within(const ConfigSource& cs, const YRef& r) {
  Origin o = r.origin();
  if (!cs.origin.path.empty())
    o.path = o.path.empty() ? cs.origin.path : cs.origin.path + ": " + o.path;
  return o;
}

// A whole number >= `min`, or a problem "<name>: expected <what>, got "<value>"".
std::optional<long long> whole(const std::string& name, const std::string& value, long long min,
                               const std::string& what, const Origin& o, Diagnostics& diag) {
  auto v = parse_integer(value);
  if (!v || *v < min) {
    diag.problem(o, fmt::format("{}: expected {}, got {}", name, what, dq(value)));
    return std::nullopt;
  }
  return v;
}

// Milliseconds as written by Redis Sentinel, Redis Cluster and BullMQ, as a capsim duration.
std::optional<std::string> millis(const std::string& name, const std::string& value,
                                  const Origin& o, Diagnostics& diag) {
  auto v = whole(name, value, 1, "a whole number of milliseconds above 0", o, diag);
  if (!v) return std::nullopt;
  return format_duration(static_cast<double>(*v) / 1000.0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Redis

std::vector<Directive> parse_redis_conf(const ConfigSource& cs) {
  std::vector<Directive> out;
  for (const auto& [n, line] : content_lines(cs.text, false)) {
    auto words = shell_split(line);
    if (words.empty()) continue;
    Directive d;
    d.name = lower(words[0]);
    d.args.assign(words.begin() + 1, words.end());
    // Sentinel settings are "sentinel <setting> <master> ...": the locator names the setting.
    std::string locator = d.name;
    if (d.name == "sentinel" && !d.args.empty()) locator += " " + lower(d.args[0]);
    d.origin = cs.locate(locator, n);
    out.push_back(std::move(d));
  }
  return out;
}

RedisCommand parse_redis_command(const std::vector<std::string>& argv, const Origin& origin,
                                 Diagnostics& diag) {
  RedisCommand rc;
  std::vector<std::string> words;
  for (const auto& a : argv)
    for (auto& w : split_words(a)) words.push_back(w);
  std::size_t i = 0;
  for (; i < words.size(); i++) {
    std::string base = std::filesystem::path(words[i]).filename().string();
    if (base == "redis-server" || base == "redis-sentinel" || base == "redis-cli" ||
        base == "redis-stack-server") {
      rc.program = base == "redis-stack-server" ? "redis-server" : base;
      break;
    }
  }
  if (rc.program.empty()) return rc;
  i++;
  const Origin at = origin;
  if (rc.program == "redis-cli") {
    // redis-cli --cluster create h1:p1 h2:p2 ... --cluster-replicas N
    for (; i < words.size(); i++) {
      if (words[i] == "--cluster" && i + 1 < words.size() && words[i + 1] == "create") {
        i += 2;
        for (; i < words.size() && !starts_with(words[i], "-"); i++)
          if (auto e = parse_endpoint(words[i]))
            rc.cluster_create_hosts.push_back({e->host, at.at(at.path + ": --cluster create")});
        i--;
      } else if (words[i] == "--cluster-replicas" && i + 1 < words.size()) {
        Origin o = at.at(at.path + ": --cluster-replicas");
        if (auto n =
                whole("--cluster-replicas", words[i + 1], 0, "a whole number of replicas", o, diag))
          rc.cluster_replicas = {*n, o};
        i++;
      }
    }
    return rc;
  }
  // Config file paths come first, then "--directive args..." up to the next "--".
  for (; i < words.size() && !starts_with(words[i], "--"); i++) {
    if (words[i] == "&&" || words[i] == ";") return rc;
    rc.conf_paths.push_back(words[i]);
  }
  while (i < words.size()) {
    if (words[i] == "&&" || words[i] == ";" || words[i] == "|") break;
    Directive d;
    d.name = lower(words[i].substr(2));
    for (i++; i < words.size() && !starts_with(words[i], "--"); i++) {
      if (words[i] == "&&" || words[i] == ";" || words[i] == "|") break;
      d.args.push_back(words[i]);
    }
    if (d.name == "sentinel" && d.args.empty()) {
      rc.sentinel_flag = true;
      continue;
    }
    std::string locator = "--" + d.name;
    if (d.name == "sentinel" && !d.args.empty()) locator += " " + lower(d.args[0]);
    d.origin = at.at(at.path + ": " + locator);
    rc.directives.push_back(std::move(d));
  }
  return rc;
}

void apply_redis_directives(const std::vector<Directive>& ds, RedisSettings& out,
                            Diagnostics& diag) {
  static const std::set<std::string> policies = {
      "noeviction",   "allkeys-lru",    "volatile-lru",    "allkeys-lfu",
      "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"};
  std::string monitored;  // the master name of the first `sentinel monitor`
  for (const auto& d : ds) {
    // Single-value directives take their whole argument list as the value, so that
    // "maxmemory 3 gigabytes" is reported as written.
    auto arg = [&](std::size_t k) {
      if (d.name != "sentinel" && d.name != "replicaof" && d.name != "slaveof")
        return k == 0 ? join(d.args, " ") : std::string();
      return k < d.args.size() ? d.args[k] : std::string();
    };
    if (d.name == "maxmemory") {
      auto bytes = parse_redis_memory(arg(0));
      if (!bytes)
        diag.problem(d.origin, fmt::format("maxmemory: expected a size such as 3gb, 512mb or "
                                           "1073741824, got {}",
                                           dq(arg(0))));
      else if (*bytes > 0)  // 0 is "no limit", capsim's default
        out.settings.push_back({"maxmemory", format_size(*bytes), d.origin});
    } else if (d.name == "maxmemory-policy") {
      if (!policies.count(lower(arg(0))))
        diag.problem(d.origin, fmt::format("maxmemory-policy: expected one of noeviction, "
                                           "allkeys-lru, volatile-lru, allkeys-lfu, volatile-lfu, "
                                           "allkeys-random, volatile-random, volatile-ttl, got {}",
                                           dq(arg(0))));
      else
        out.settings.push_back({"maxmemory_policy", lower(arg(0)), d.origin});
    } else if (d.name == "cluster-enabled") {
      auto f = parse_flag(arg(0));
      if (!f)
        diag.problem(d.origin,
                     fmt::format("cluster-enabled: expected yes or no, got {}", dq(arg(0))));
      else
        out.cluster_enabled = {*f, d.origin};
    } else if (d.name == "cluster-node-timeout") {
      if (auto t = millis("cluster-node-timeout", arg(0), d.origin, diag))
        out.settings.push_back({"node_timeout", *t, d.origin});
    } else if (d.name == "cluster-require-full-coverage") {
      auto f = parse_flag(arg(0));
      if (!f)
        diag.problem(
            d.origin,
            fmt::format("cluster-require-full-coverage: expected yes or no, got {}", dq(arg(0))));
      else
        out.settings.push_back({"require_full_coverage", *f, d.origin});
    } else if (d.name == "replicaof" || d.name == "slaveof") {
      if (lower(arg(0)) != "no" && !arg(0).empty()) out.replica_of = {arg(0), d.origin};
    } else if (d.name == "sentinel" && !d.args.empty()) {
      out.sentinel = true;
      const std::string what = lower(arg(0));
      if (what == "monitor") {
        // sentinel monitor <master-name> <ip> <port> <quorum>
        if (!monitored.empty()) {
          diag.warn(d.origin, fmt::format("sentinel monitors more than one master: only {} is "
                                          "imported",
                                          monitored));
          continue;
        }
        monitored = arg(1);
        out.monitor_host = {arg(2), d.origin};
        if (auto q = whole("sentinel monitor quorum", arg(4), 1, "a whole number of at least 1",
                           d.origin, diag))
          out.sentinel_settings.push_back({"quorum", *q, d.origin});
      } else if ((what == "down-after-milliseconds" || what == "failover-timeout") &&
                 (monitored.empty() || arg(1) == monitored)) {
        if (auto t = millis("sentinel " + what, arg(2), d.origin, diag))
          out.sentinel_settings.push_back(
              {what == "failover-timeout" ? "failover_timeout" : "down_after", *t, d.origin});
      }
    }
  }
}

void apply_redis_env(const Container& c, bool sentinel_image, RedisSettings& out,
                     Diagnostics& diag) {
  auto env = [&](const char* name) { return c.find_env(name); };
  if (sentinel_image) {
    out.sentinel = true;
    if (auto* h = env("REDIS_MASTER_HOST"); h && h->value)
      out.monitor_host = {*h->value, h->origin};
    if (auto* q = env("REDIS_SENTINEL_QUORUM"); q && q->value)
      if (auto n = whole("REDIS_SENTINEL_QUORUM", *q->value, 1, "a whole number of at least 1",
                         q->origin, diag))
        out.sentinel_settings.push_back({"quorum", *n, q->origin});
    if (auto* d = env("REDIS_SENTINEL_DOWN_AFTER_MILLISECONDS"); d && d->value)
      if (auto t = millis("REDIS_SENTINEL_DOWN_AFTER_MILLISECONDS", *d->value, d->origin, diag))
        out.sentinel_settings.push_back({"down_after", *t, d->origin});
    if (auto* f = env("REDIS_SENTINEL_FAILOVER_TIMEOUT"); f && f->value)
      if (auto t = millis("REDIS_SENTINEL_FAILOVER_TIMEOUT", *f->value, f->origin, diag))
        out.sentinel_settings.push_back({"failover_timeout", *t, f->origin});
    return;
  }
  if (auto* mode = env("REDIS_REPLICATION_MODE"); mode && mode->value) {
    std::string m = lower(*mode->value);
    if (m == "slave" || m == "replica") {
      auto* host = env("REDIS_MASTER_HOST");
      if (!host || !host->value)
        diag.problem(mode->origin, "REDIS_REPLICATION_MODE is " + m +
                                       " without REDIS_MASTER_HOST (expected the master's host)");
      else
        out.replica_of = {*host->value, host->origin};
    } else if (m != "master") {
      diag.problem(mode->origin, fmt::format("REDIS_REPLICATION_MODE: expected master, slave or "
                                             "replica, got {}",
                                             dq(*mode->value)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PgBouncer (pgbouncer config.md)

namespace {

const std::vector<std::string> kPgbouncerKeys = {
    "pool_mode",       "default_pool_size",  "reserve_pool_size", "reserve_pool_timeout",
    "max_client_conn", "query_wait_timeout", "server_login_retry"};

void apply_pgbouncer_setting(const std::string& key, const std::string& value, const Origin& o,
                             PgbouncerSettings& out, Diagnostics& diag) {
  if (key == "pool_mode") {
    std::string v = lower(trim(value));
    if (v != "session" && v != "transaction" && v != "statement")
      diag.problem(o, fmt::format("pool_mode: expected session, transaction or statement, got {}",
                                  dq(value)));
    else
      out.settings.push_back({key, v, o});
  } else if (key == "default_pool_size" || key == "reserve_pool_size" || key == "max_client_conn") {
    if (auto n = whole(key, trim(value), 0, "a whole number", o, diag))
      out.settings.push_back({key, *n, o});
  } else {
    // Times in seconds; PgBouncer takes fractions ("5.0") and, since 1.21, units ("5s").
    std::optional<double> s = parse_number(value);
    if (!s) s = parse_nginx_time(value);
    if (!s || *s < 0)
      diag.problem(o, fmt::format("{}: expected a time in seconds such as 5 or 5.0, got {}", key,
                                  dq(value)));
    else
      out.settings.push_back({key, format_duration(*s), o});
  }
}

// "host=pg port=5432 dbname=app" -> the host.
std::optional<std::string> connstr_host(const std::string& s) {
  for (const auto& w : split_words(s)) {
    auto eq = w.find('=');
    if (eq != std::string::npos && lower(w.substr(0, eq)) == "host") return w.substr(eq + 1);
  }
  return std::nullopt;
}

}  // namespace

void read_pgbouncer_ini(const ConfigSource& cs, PgbouncerSettings& out, Diagnostics& diag) {
  std::string section;
  for (const auto& [n, line] : content_lines(cs.text, true)) {
    if (line.front() == '[') {
      section = lower(trim(line.substr(1, line.find(']') - 1)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value = trim(line.substr(eq + 1));
    Origin o = cs.locate(fmt::format("[{}] {}", section, key), n);
    if (section == "databases") {
      if (auto h = connstr_host(value)) out.server_hosts.push_back({*h, o});
    } else if (section == "pgbouncer") {
      for (const auto& k : kPgbouncerKeys)
        if (k == key) apply_pgbouncer_setting(key, value, o, out, diag);
    }
  }
}

void read_pgbouncer_env(const Container& c, PgbouncerSettings& out, Diagnostics& diag) {
  for (const auto& k : kPgbouncerKeys) {
    for (const std::string& name : {"PGBOUNCER_" + upper(k), upper(k)}) {
      const EnvVar* e = c.find_env(name);
      if (e && e->value) {
        apply_pgbouncer_setting(k, *e->value, e->origin, out, diag);
        break;
      }
    }
  }
  for (const char* name :
       {"DATABASES_HOST", "POSTGRESQL_HOST", "DB_HOST", "PGBOUNCER_DATABASE_HOST"}) {
    const EnvVar* e = c.find_env(name);
    if (e && e->value) {
      out.server_hosts.push_back({*e->value, e->origin});
      return;
    }
  }
  if (const EnvVar* e = c.find_env("DATABASE_URL"); e && e->value)
    if (auto u = parse_endpoint(*e->value)) out.server_hosts.push_back({u->host, e->origin});
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and Patroni

void read_postgresql_conf(const ConfigSource& cs, PostgresSettings& out) {
  for (const auto& [n, line] : content_lines(cs.text, false)) {
    // "name = value" or "name value"; a value may be quoted and followed by a comment.
    std::size_t k = 0;
    while (k < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[k])) || line[k] == '_' || line[k] == '.'))
      k++;
    std::string name = lower(line.substr(0, k));
    std::string rest = trim(line.substr(k));
    if (!rest.empty() && rest[0] == '=') rest = trim(rest.substr(1));
    std::string value;
    if (!rest.empty() && rest[0] == '\'') {
      auto close = rest.find('\'', 1);
      value = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    } else {
      value = trim(rest.substr(0, rest.find('#')));
    }
    if (name.empty() || name == "include" || name == "include_if_exists" || name == "include_dir")
      continue;
    out.params[name] = {name, value, cs.locate(name, n)};
  }
}

void read_postgres_command(const std::vector<std::string>& argv, const Origin& origin,
                           PostgresSettings& out) {
  for (std::size_t i = 0; i < argv.size(); i++) {
    std::string setting;
    if (argv[i] == "-c" && i + 1 < argv.size())
      setting = argv[++i];
    else if (starts_with(argv[i], "-c") && argv[i].size() > 2)
      setting = argv[i].substr(2);
    else if (starts_with(argv[i], "--") && contains(argv[i], "="))
      setting = argv[i].substr(2);
    auto eq = setting.find('=');
    if (eq == std::string::npos) continue;
    std::string name = lower(setting.substr(0, eq));
    for (auto& ch : name)
      if (ch == '-') ch = '_';
    out.params[name] = {name, setting.substr(eq + 1), origin.at(origin.path + ": -c " + name)};
  }
}

void read_postgres_env(const Container& c, PostgresSettings& out) {
  for (const char* prefix : {"POSTGRESQL_", "POSTGRES_"}) {
    auto env = [&](const char* name) { return c.find_env(std::string(prefix) + name); };
    if (auto* e = env("MAX_CONNECTIONS"); e && e->value)
      out.params["max_connections"] = {"max_connections", *e->value, e->origin};
    if (auto* e = env("SYNCHRONOUS_COMMIT_MODE"); e && e->value)
      out.params["synchronous_commit"] = {"synchronous_commit", *e->value, e->origin};
    // Bitnami writes synchronous_standby_names from the number of synchronous replicas.
    if (auto* e = env("NUM_SYNCHRONOUS_REPLICAS");
        e && e->value && parse_integer(*e->value) && *parse_integer(*e->value) > 0)
      out.params["synchronous_standby_names"] = {"synchronous_standby_names",
                                                 *e->value + " synchronous replicas", e->origin};
  }
}

void read_patroni(const ConfigSource& cs, PostgresSettings& out, Diagnostics& diag) {
  auto docs = load_yaml(cs.text, cs.origin.file, diag, cs.first_line);
  if (!docs || docs->empty()) return;
  Origin base = cs.origin;
  base.path = "";
  YRef root((*docs)[0], base, cs.first_line - 1);
  auto path_of = [&](const YRef& r) { return within(cs, r); };
  out.failover.push_back({"failover/manager", "patroni", path_of(root)});
  YRef dcs = root["bootstrap"]["dcs"];
  for (const char* key : {"ttl", "loop_wait", "retry_timeout"}) {
    YRef r = dcs[key];
    if (!r.defined()) continue;
    if (auto s = yaml_integer(r, "a whole number of seconds", diag))
      out.failover.push_back(
          {std::string("failover/") + key, format_duration(static_cast<double>(*s)), path_of(r)});
  }
  if (YRef r = dcs["maximum_lag_on_failover"]; r.defined())
    if (auto b = yaml_integer(r, "a whole number of bytes", diag))
      out.failover.push_back(
          {"failover/maximum_lag_on_failover", format_size(static_cast<double>(*b)), path_of(r)});
  if (YRef r = dcs["synchronous_mode"]; r.defined()) {
    auto f = parse_flag(r.text());
    if (lower(r.text()) == "quorum") f = true;
    if (!f)
      diag.problem(
          r.origin(),
          fmt::format("synchronous_mode: expected true, false or quorum, got {}", dq(r.text())));
    else
      out.patroni_synchronous_mode = {*f, path_of(r)};
  }
  for (const YRef& params : {dcs["postgresql"]["parameters"], root["postgresql"]["parameters"]})
    for (const auto& [name, value] : params.entries())
      out.params[lower(name)] = {lower(name), value.text(), path_of(value)};
  for (const YRef& addr :
       {root["postgresql"]["connect_address"], root["restapi"]["connect_address"]})
    if (addr.is_scalar())
      out.patroni_hosts.push_back({addr.text().substr(0, addr.text().find(':')), addr.origin()});
}

std::vector<Setting> postgres_settings(const PostgresSettings& s, Diagnostics& diag) {
  std::vector<Setting> out;
  if (auto it = s.params.find("max_connections"); it != s.params.end()) {
    const RawSetting& r = it->second;
    if (auto n =
            whole("max_connections", r.value, 1, "a whole number of connections", r.origin, diag))
      out.push_back({"max_connections", *n, r.origin});
  }
  // Synchronous replication needs a standby named in synchronous_standby_names, and commits wait
  // for it unless synchronous_commit is local or off (high-availability.sgml, "Synchronous
  // Replication"; synchronous_commit defaults to on).
  const RawSetting* names = nullptr;
  const RawSetting* commit = nullptr;
  if (auto it = s.params.find("synchronous_standby_names"); it != s.params.end())
    names = &it->second;
  if (auto it = s.params.find("synchronous_commit"); it != s.params.end()) commit = &it->second;
  std::string commit_value = commit ? lower(commit->value) : "on";
  static const std::set<std::string> commits = {
      "on", "off", "local", "remote_write", "remote_apply", "true", "false", "yes", "no", "1", "0"};
  if (commit && !commits.count(commit_value)) {
    diag.problem(commit->origin, fmt::format("synchronous_commit: expected on, off, local, "
                                             "remote_write or remote_apply, got {}",
                                             dq(commit->value)));
    return out;
  }
  const bool waits = commit_value == "on" || commit_value == "remote_write" ||
                     commit_value == "remote_apply" || commit_value == "true" ||
                     commit_value == "yes" || commit_value == "1";
  if (s.patroni_synchronous_mode) {
    out.push_back({"replication", s.patroni_synchronous_mode->value && waits ? "sync" : "async",
                   s.patroni_synchronous_mode->origin});
  } else if (names) {
    bool named = !trim(names->value).empty();
    out.push_back({"replication", named && waits ? "sync" : "async",
                   named && commit && !waits ? commit->origin : names->origin});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// BullMQ (worker-options.ts, base-job-options.ts)

std::optional<BullmqOptions> read_bullmq(const ConfigSource& cs, Diagnostics& diag) {
  // JSON is read as YAML (a JSON text is a YAML flow document) so values keep their lines.
  Diagnostics syntax;
  auto docs = load_yaml(cs.text, cs.origin.file, syntax, cs.first_line);
  if (!docs) {
    for (auto p : syntax.problems) {
      p.message = "bad JSON: " + p.message.substr(p.message.find(": ") + 2);
      p.message = p.message.substr(0, p.message.rfind(" (expected")) +
                  " (expected a JSON object "
                  "of BullMQ options)";
      diag.problems.push_back(p);
    }
    return std::nullopt;
  }
  BullmqOptions b;
  b.origin = cs.origin;
  const std::size_t problems_before = diag.problems.size();
  Origin base = cs.origin;
  base.path = "";
  YRef root(docs->empty() ? YAML::Node() : (*docs)[0], base, cs.first_line - 1);
  if (!root.is_map()) {
    diag.problem(root.origin(),
                 "expected a JSON object of BullMQ options (concurrency, limiter, "
                 "attempts, backoff)");
    return std::nullopt;
  }
  for (const char* key : {"queue", "queueName", "name"})
    if (root[key].is_scalar()) b.names.push_back(root[key].text());
  std::string stem = lower(std::filesystem::path(cs.name).stem().string());
  auto pos = stem.find("bullmq");
  if (pos != std::string::npos) stem.erase(pos, 6);
  while (!stem.empty() && (stem.front() == '-' || stem.front() == '_' || stem.front() == '.'))
    stem.erase(0, 1);
  while (!stem.empty() && (stem.back() == '-' || stem.back() == '_' || stem.back() == '.'))
    stem.pop_back();
  if (!stem.empty()) b.names.push_back(stem);

  auto count = [&](const YRef& r, const std::string& key) {
    if (!r.defined()) return;
    if (auto n = yaml_integer(r, "a whole number of at least 1", diag)) {
      if (*n < 1)
        diag.problem(r.origin(), fmt::format("{}: expected a whole number of at least 1, got {}",
                                             r.origin().path, *n));
      else
        b.settings.push_back({key, *n, r.origin()});
    }
  };
  auto ms = [&](const YRef& r, const std::string& key) {
    if (!r.defined()) return;
    if (auto n = yaml_integer(r, "a whole number of milliseconds", diag))
      b.settings.push_back({key, format_duration(static_cast<double>(*n) / 1000.0), r.origin()});
  };
  count(root["concurrency"], "concurrency");
  if (YRef lim = root["limiter"]; lim.defined()) {
    count(lim["max"], "limiter/max");
    ms(lim["duration"], "limiter/duration");
  }
  ms(root["lockDuration"], "lock_duration");
  ms(root["stalledInterval"], "stalled_interval");
  for (const YRef& opts : {root, root["defaultJobOptions"]}) {
    count(opts["attempts"], "attempts");
    YRef bo = opts["backoff"];
    if (bo.is_scalar()) {
      // A number is a fixed backoff of that many milliseconds (BullMQ "Retrying failing jobs").
      if (auto n = yaml_integer(bo, "a delay in milliseconds or {type, delay}", diag))
        b.settings.push_back(
            {"backoff", "fixed " + format_duration(static_cast<double>(*n) / 1000.0), bo.origin()});
    } else if (bo.is_map()) {
      std::string type = bo["type"].text();
      if (type != "fixed" && type != "exponential") {
        diag.problem(bo["type"].origin(), fmt::format("{}: expected fixed or exponential, got {}",
                                                      bo["type"].origin().path, dq(type)));
      } else if (auto n = yaml_integer(bo["delay"], "a delay in milliseconds", diag)) {
        if (*n <= 0)
          b.settings.push_back({"backoff", "none", bo.origin()});
        else
          b.settings.push_back({"backoff",
                                type + " " + format_duration(static_cast<double>(*n) / 1000.0),
                                bo.origin()});
      }
    }
  }
  if (!cs.origin.path.empty())
    for (auto& st : b.settings) st.origin.path = cs.origin.path + ": " + st.origin.path;
  if (b.settings.empty() && diag.problems.size() == problems_before)
    diag.problem(root.origin(),
                 "no BullMQ options found (expected concurrency, limiter, attempts "
                 "or backoff)");
  return b;
}

}  // namespace capsim::import
