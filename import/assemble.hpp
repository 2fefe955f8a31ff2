// From workloads to capsim components: recognise each workload, group the ones that form one
// component (a Redis master with its replicas and Sentinels, the nodes of a Redis Cluster, a
// PostgreSQL primary with its read replicas, Qdrant peers), wire apps and workers to what their
// environment names, and give each component its product settings, resources and HPA.
#pragma once

#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

// Something a component talks to, and the variable or declaration that says so.
struct Edge {
  std::string to;   // component name
  std::string via;  // "DATABASE_URL", "depends_on"
  Origin origin;
  bool read = false;      // a variable for reads on replicas (DATABASE_READ_URL, ...)
  bool declared = false;  // from depends_on / links rather than an address
};

struct Component {
  std::string name;
  std::string
      kind;  // load_balancer, app, pgbouncer, postgres, redis, qdrant, worker_queue, station
  Origin kind_origin;                // the image, build, command or file it was recognised from
  std::vector<int> members;          // indices into Inputs::workloads
  std::vector<std::string> sources;  // what it was recognised from, for its description
  std::vector<Setting> settings;     // capsim keys in the order set
  std::vector<Edge> edges;

  const Setting* get(const std::string& key) const;
  // Sets a key; a second, different value replaces the first with a warning naming both origins.
  void set(const std::string& key, nlohmann::ordered_json value, const Origin& origin,
           Diagnostics& diag);
};

struct Assembly {
  std::vector<Component> components;
  std::vector<Unknown> unknowns;  // settings left to capsim's default that the inputs do not give
};

Assembly assemble(const Inputs& in, Diagnostics& diag);

}  // namespace capsim::import
