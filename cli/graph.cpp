// capsim graph TOPOLOGY: Graphviz DOT, or with --format json each component's blast radius.
#include "analysis/graph.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/load.hpp"

namespace capsim::cli {

int graph(const GraphOptions& o, const Common& common) {
  config::Topology t = load_checked_topology(o.topology, nullptr);
  if (common.format == "json") {
    nlohmann::json j;
    j["topology"] = t.name;
    for (const auto& [component, broken] : analysis::blast_radius(t))
      j["blast_radius"][component] = broken;
    j["findings"] = nlohmann::json::array();
    for (const auto& f : analysis::analyse(t))
      j["findings"].push_back(
          {{"severity", f.severity}, {"pointer", f.pointer}, {"message", f.message}});
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << analysis::to_dot(t);
  }
  return kOk;
}

}  // namespace capsim::cli
