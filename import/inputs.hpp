// Finding and reading the inputs: every path given (files, and folders searched recursively for
// *.yaml / *.yml and for the product config files recognised by name), the import root their names
// are relative to, and the dispatch of each YAML document to the compose or Kubernetes reader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

// The product config file a name stands for: *nginx*.conf, *pgbouncer*.ini, *postgresql*.conf (or
// *postgres*.conf), *sentinel*.conf, *redis*.conf, *patroni*.yml / .yaml, *bullmq*.json.
std::optional<ConfigType> config_type_for_name(const std::string& file_name);
const char* config_type_name(ConfigType type);
// For a file named on the command line whose name says nothing: *.json is BullMQ options, an
// *.ini with a [pgbouncer] section PgBouncer's, a *.conf by its directives (sentinel monitor,
// upstream / proxy_pass, maxmemory / cluster-enabled / replicaof, max_connections).
std::optional<ConfigType> config_type_for_content(const std::string& file_name,
                                                  const std::string& text);

Inputs read_inputs(const std::vector<std::string>& paths, Diagnostics& diag);

}  // namespace capsim::import
