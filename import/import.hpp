// capsim import: reads what a system is deployed from (a docker-compose file, Kubernetes YAML,
// product config files) and writes a capsim topology with where each value came from and what the
// deployment files cannot say (request classes, service demands, hit ratios).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace capsim::import {

// A value the user must fill in: `pointer` is a JSON pointer into the topology (its value is a
// "FILL IN: " placeholder, or a key the import left to capsim's default), `what` says what it is.
struct Unknown {
  std::string pointer;
  std::string what;
};

// Something the import did with the input that the user should know about, e.g. an unknown image
// kept as a generic station. `line` is 1-based, 0 when there is none.
struct Warning {
  std::string file;
  int line = 0;
  std::string message;
};

// Bad input: the import fails (the CLI prints `file:line: message` and exits 2). `file` is relative
// to the import root, `line` 1-based (0 when unknown), `message` says what was expected.
struct Problem {
  std::string file;
  int line = 0;
  std::string message;
};

struct ImportResult {
  // The topology. An ordered_json so that the components keep the import's stable order (load
  // balancers, apps, pgbouncers, postgres, redis, qdrant, worker queues, stations) when written.
  nlohmann::ordered_json topology;
  std::vector<Unknown> unknowns;
  std::vector<Warning> warnings;
  std::vector<Problem> problems;

  bool ok() const { return problems.empty(); }
};

// Reads every path (a file, or a folder: every *.yaml / *.yml under it, recursively and sorted, and
// the product config files it recognises by name) and builds the topology. File names in
// provenance, warnings and problems are relative to the import root: the deepest folder that holds
// every path (a folder path is its own root).
ImportResult import_paths(const std::vector<std::string>& paths);

}  // namespace capsim::import
