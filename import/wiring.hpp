// Who talks to whom: host names in environment variables (DATABASE_URL, REDIS_HOST, ...), in
// nginx and PgBouncer configs and in replication settings, resolved to the workloads that provide
// them (compose service names and aliases, Kubernetes Services through their selectors, StatefulSet
// pod names, compose's numbered container names).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

// "postgresql://user:secret@pg:5432/app", "redis://cache:6379/0", "http://ml:5001", "pg:5432",
// "pg". The user, password and path are kept only to be skipped correctly.
struct Endpoint {
  std::string scheme, user, password, host, path;
  std::optional<long long> port;
};
// nullopt when the text is not a host, host:port or URL (e.g. it has blanks); `error` says why
// when it looks like one but is malformed (a port that is not a number).
std::optional<Endpoint> parse_endpoint(const std::string& value, std::string* error = nullptr);

// Environment variables that name a host: *_URL, *_URI, *_HOST, *_DSN, *_ADDR, *_ADDRESS,
// *_SERVER, *_ENDPOINT, PGHOST, DATABASE_URL*.
bool may_name_host(const std::string& var);
// A reference to a data service (a database, a cache, a vector store): by the variable's name
// (DATABASE, DB, POSTGRES, PG*, REDIS, QDRANT, MONGO, CACHE) or the URL's scheme (postgres,
// postgresql, redis, rediss, mongodb). A host such a variable names must exist among the inputs.
bool is_data_reference(const std::string& var, const Endpoint& e);
// A variable for reads on replicas: READ, REPLICA, RO, READONLY, STANDBY in its name.
bool is_read_reference(const std::string& var);

// Host name -> workload indices into Inputs::workloads.
class HostDirectory {
 public:
  explicit HostDirectory(const Inputs& in);
  // The workloads `host` names (empty when none). `local` is set for localhost and loopback.
  std::vector<int> resolve(const std::string& host, bool* local = nullptr) const;
  // Every name known, for "expected one of" messages.
  std::vector<std::string> names() const;

 private:
  void add(const std::string& name, int workload);
  std::vector<int> lookup(const std::string& name) const;
  std::map<std::string, std::set<int>> hosts_;
  std::string project_;
};

}  // namespace capsim::import
