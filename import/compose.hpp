// docker-compose files (the Compose Specification): each service becomes a workload with its
// image or build, command, environment, replicas, CPU and memory, depends_on / links, ports and the
// config files it bind-mounts.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "import/model.hpp"
#include "import/yaml_source.hpp"

namespace capsim::import {

// A compose file: a map whose "services" is a map, without Kubernetes' apiVersion/kind.
bool looks_like_compose(const YAML::Node& doc);

// Adds the services of `doc` to `in.workloads`. `dir` is the compose file's folder relative to the
// import root, to resolve bind mounts ("./nginx.conf").
void read_compose(const YRef& doc, const std::string& dir, Inputs& in, Diagnostics& diag);

// Compose variable interpolation where the file says what to use: "${X:-default}" and
// "${X-default}" become "default", "$$" becomes "$"; "${X}" and "$X" stay (their value is the
// shell's).
std::string compose_interpolate(const std::string& s);

}  // namespace capsim::import
