#include "import/wiring.hpp"

#include <algorithm>

#include "import/quantities.hpp"
#include "import/text.hpp"

namespace capsim::import {

std::optional<Endpoint> parse_endpoint(const std::string& value, std::string* error) {
  std::string v = trim(value);
  if (v.empty() || contains(v, " ")) return std::nullopt;
  Endpoint e;
  std::string rest = v;
  if (auto p = v.find("://"); p != std::string::npos) {
    e.scheme = lower(v.substr(0, p));
    rest = v.substr(p + 3);
  }
  // user:password@ comes before the last '@' of the authority (a password may hold '/' or '@').
  std::string authority = rest;
  if (!e.scheme.empty()) {
    auto at = rest.rfind('@');
    std::size_t host_start = at == std::string::npos ? 0 : at + 1;
    if (at != std::string::npos) {
      std::string userinfo = rest.substr(0, at);
      auto colon = userinfo.find(':');
      e.user = userinfo.substr(0, colon);
      if (colon != std::string::npos) e.password = userinfo.substr(colon + 1);
    }
    auto end = rest.find_first_of("/?#", host_start);
    authority =
        rest.substr(host_start, end == std::string::npos ? std::string::npos : end - host_start);
    if (end != std::string::npos) e.path = rest.substr(end);
  } else if (contains(rest, "/") || contains(rest, "@")) {
    return std::nullopt;
  }
  // host[:port]; an IPv6 literal is [addr]:port.
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else {
    // Several hosts ("h1:6379,h2:6379"): the first one stands for them.
    authority = authority.substr(0, authority.find(','));
    auto colon = authority.find(':');
    e.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (e.host.empty()) return std::nullopt;
  if (!port.empty()) {
    e.port = parse_integer(port);
    if (!e.port || *e.port <= 0 || *e.port > 65535) {
      if (error) *error = "expected a port number after the host, got \"" + port + "\"";
      return std::nullopt;
    }
  }
  return e;
}

namespace {

std::vector<std::string> name_parts(const std::string& var) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : upper(var)) {
    if (c == '_' || c == '-' || c == '.') {
      if (!part.empty()) parts.push_back(part), part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

bool has_part(const std::vector<std::string>& parts, std::initializer_list<const char*> any) {
  return std::any_of(parts.begin(), parts.end(), [&](const std::string& p) {
    return std::any_of(any.begin(), any.end(), [&](const char* a) { return p == a; });
  });
}

}  // namespace

bool may_name_host(const std::string& var) {
  auto parts = name_parts(var);
  if (parts.empty()) return false;
  if (parts.size() == 1 && parts[0] == "PGHOST") return true;
  if (contains(upper(var), "DATABASE_URL")) return true;
  return has_part({parts.back()}, {"URL", "URI", "HOST", "HOSTS", "DSN", "ADDR", "ADDRESS",
                                   "SERVER", "ENDPOINT", "NODES", "HOSTNAME"});
}

bool is_data_reference(const std::string& var, const Endpoint& e) {
  static const std::set<std::string> schemes = {"postgres", "postgresql", "redis",
                                                "rediss",   "mongodb",    "mongodb+srv"};
  if (schemes.count(e.scheme)) return true;
  auto parts = name_parts(var);
  return has_part(parts, {"DATABASE", "DB", "POSTGRES", "POSTGRESQL", "PGHOST", "PGBOUNCER",
                          "REDIS", "QDRANT", "MONGO", "MONGODB", "CACHE", "SENTINEL"});
}

bool is_read_reference(const std::string& var) {
  return has_part(name_parts(var), {"READ", "REPLICA", "REPLICAS", "RO", "READONLY", "STANDBY"});
}

HostDirectory::HostDirectory(const Inputs& in) : project_(lower(in.name)) {
  for (std::size_t i = 0; i < in.workloads.size(); i++) {
    const Workload& w = in.workloads[i];
    add(w.name, static_cast<int>(i));
    for (const auto& a : w.aliases) add(a, static_cast<int>(i));
  }
  // A Service names the pods its selector matches (same namespace, every selector label equal).
  for (const auto& s : in.services) {
    if (s.selector.empty()) continue;
    for (std::size_t i = 0; i < in.workloads.size(); i++) {
      const Workload& w = in.workloads[i];
      if (!w.is_kubernetes() || w.ns != s.ns) continue;
      bool match = std::all_of(s.selector.begin(), s.selector.end(), [&](const auto& kv) {
        auto it = w.pod_labels.find(kv.first);
        return it != w.pod_labels.end() && it->second == kv.second;
      });
      if (match) add(s.name, static_cast<int>(i));
    }
  }
}

void HostDirectory::add(const std::string& name, int workload) {
  if (!name.empty()) hosts_[lower(name)].insert(workload);
}

std::vector<int> HostDirectory::lookup(const std::string& name) const {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<int> HostDirectory::resolve(const std::string& host, bool* local) const {
  std::string h = lower(trim(host));
  if (local) *local = h == "localhost" || h == "127.0.0.1" || h == "0.0.0.0" || h == "::1";
  if (h.empty()) return {};
  std::vector<std::string> candidates = {h};
  // Cluster DNS: "svc.ns", "svc.ns.svc", "svc.ns.svc.cluster.local", and StatefulSet pods
  // "name-0.svc". Other dotted names are outside the cluster.
  if (contains(h, ".")) {
    auto labels = split_words([&] {
      std::string s = h;
      std::replace(s.begin(), s.end(), '.', ' ');
      return s;
    }());
    bool cluster = ends_with(h, ".svc") || ends_with(h, ".svc.cluster.local") ||
                   ends_with(h, ".cluster.local") || labels.size() == 2;
    if (cluster) candidates.push_back(labels[0]);
  }
  for (const auto& c : candidates) {
    // The name itself; compose's numbered containers ("api-2", "project-api-1") and a
    // StatefulSet's pods ("cache-0").
    for (const std::string& n : {c, without_instance_number(c)}) {
      if (auto found = lookup(n); !found.empty()) return found;
      for (const std::string sep : {"-", "_"})
        if (!project_.empty() && starts_with(n, project_ + sep))
          if (auto found = lookup(n.substr(project_.size() + 1)); !found.empty()) return found;
    }
  }
  return {};
}

std::vector<std::string> HostDirectory::names() const {
  std::vector<std::string> out;
  for (const auto& [name, ws] : hosts_) out.push_back(name);
  return out;
}

}  // namespace capsim::import
