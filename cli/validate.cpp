// capsim validate FILE...: every problem of every file, then the graph checks of topologies.
#include <iostream>
#include <optional>

#include "analysis/graph.hpp"
#include "cli/commands.hpp"
#include "config/load.hpp"
#include "core/units.hpp"
#include "models/registry.hpp"

namespace capsim::cli {

int validate(const ValidateOptions& o, const Common& common) {
  (void)common;
  core::Diagnostics errors;
  std::vector<std::string> warnings, summaries;
  std::optional<config::Catalog> catalog;
  std::string catalog_path = o.catalog.empty() ? default_catalog_path() : o.catalog;
  if (!catalog_path.empty()) {
    try {
      catalog = config::load_catalog(catalog_path);
    } catch (const core::InputError& e) {
      errors.append(e.diagnostics());
    }
  }
  std::vector<config::Topology> topologies;
  std::vector<config::Scenario> scenarios;
  std::vector<config::Slo> slos;
  for (const auto& file : o.files) {
    config::ReadContext ctx{file, {}};
    auto json = config::load_json_file(file, ctx);
    if (!json) {
      errors.append(ctx.diagnostics);
      continue;
    }
    config::FileKind kind = config::detect_kind(*json);
    switch (kind) {
      case config::FileKind::Topology: {
        config::Topology t = config::read_topology(*json, models::syntax(), ctx);
        if (catalog && ctx.diagnostics.ok()) config::resolve_instances(t, *catalog, ctx);
        if (ctx.diagnostics.ok()) {
          for (const auto& f : analysis::analyse(t)) {
            if (f.severity == "error")
              ctx.problem(f.pointer, f.message);
            else
              warnings.push_back(file + ": " + (f.pointer.empty() ? "/" : f.pointer) +
                                 ": warning: " + f.message);
          }
        }
        if (ctx.diagnostics.ok()) {
          summaries.push_back(file + ": ok (topology \"" + t.name + "\", " +
                              std::to_string(t.components.size()) + " components, " +
                              std::to_string(t.requests.size()) + " request classes)");
          topologies.push_back(std::move(t));
        }
        break;
      }
      case config::FileKind::Traffic: {
        config::Traffic t = config::read_traffic(*json, ctx);
        if (ctx.diagnostics.ok())
          summaries.push_back(file + ": ok (traffic, " + std::to_string(t.months) +
                              " months from " + core::format_month(t.start_month) + ")");
        break;
      }
      case config::FileKind::Scenario: {
        config::Scenario s = config::read_scenario(*json, models::syntax(), ctx);
        if (ctx.diagnostics.ok()) {
          summaries.push_back(file + ": ok (scenario, " + std::to_string(s.actions.size()) +
                              " actions)");
          scenarios.push_back(std::move(s));
        }
        break;
      }
      case config::FileKind::Catalog: {
        config::Catalog c = config::read_catalog(*json, ctx);
        if (ctx.diagnostics.ok())
          summaries.push_back(file + ": ok (catalog, " + std::to_string(c.instances.size()) +
                              " instance types)");
        break;
      }
      case config::FileKind::Slo: {
        config::Slo s = config::read_slo(*json, ctx);
        if (ctx.diagnostics.ok()) {
          summaries.push_back(file + ": ok (slo)");
          slos.push_back(std::move(s));
        }
        break;
      }
      case config::FileKind::Unknown:
        if (!json->is_object()) {
          ctx.problem("", "is " + config::json_type_name(*json) + " (expected a JSON object)");
          break;
        }
        ctx.problem("",
                    "cannot tell what this file is (expected a topology with \"components\", "
                    "traffic with \"base\", a scenario with \"actions\", a catalog with "
                    "\"instances\" or an SLO with \"latency\"/\"classes\")");
        break;
    }
    errors.append(ctx.diagnostics);
  }
  // Files that refer to a topology are checked against it when exactly one is given.
  if (topologies.size() == 1) {
    for (const auto& s : scenarios) {
      config::ReadContext ctx{s.file, {}};
      config::check_scenario_against(s, topologies.front(), models::syntax(), ctx);
      errors.append(ctx.diagnostics);
    }
    for (const auto& s : slos) {
      config::ReadContext ctx{s.file, {}};
      config::check_slo_against(s, topologies.front(), ctx);
      errors.append(ctx.diagnostics);
    }
  }
  for (const auto& p : errors.problems()) std::cerr << p.to_string() << "\n";
  for (const auto& w : warnings) std::cerr << w << "\n";
  for (const auto& s : summaries) std::cout << s << "\n";
  if (!errors.ok()) {
    std::cerr << errors.problems().size()
              << (errors.problems().size() == 1 ? " problem" : " problems") << " found\n";
    return kBadInput;
  }
  return kOk;
}

}  // namespace capsim::cli
