// capsim compare A.json B.json ... --traffic T [--at P]: side by side at each period's peak; the
// exit status says whether the first topology (the proposal) holds everywhere.
#include "plan/compare.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "config/load.hpp"
#include "core/units.hpp"
#include "output/plan_report.hpp"
#include "runs/fork.hpp"

namespace capsim::cli {

int compare(const CompareOptions& o, const Common& common) {
  if (o.topologies.size() < 2)
    throw UsageError("compare: give at least two topologies (expected A.json B.json ...)");
  CatalogInput catalog_input = load_catalog_input(o.catalog);
  const config::Catalog& catalog = catalog_input.catalog;
  std::vector<config::Topology> topologies;
  output::CompareInfo info;
  for (const auto& f : o.topologies) {
    topologies.push_back(load_checked_topology(f, &catalog));
    info.files.push_back(f);
    info.names.push_back(topologies.back().name);
  }
  config::Traffic traffic = config::load_traffic(o.traffic);
  std::vector<const config::Topology*> each;
  for (const auto& t : topologies) each.push_back(&t);
  SloInput slo_input = load_slo_input(o.slo, each);
  const config::Slo& slo = slo_input.slo;
  plan::CompareOptions options;
  if (!o.at.empty()) options.at = period_option(o.at, traffic);
  options.replications = o.replications;
  options.execute = runs::fork_executor(o.processes);
  options.seed = o.seed;
  options.drills = !o.no_drills;
  Progress progress = progress_line(common);
  options.progress = progress.show;
  auto result = plan::compare(topologies, traffic, catalog, slo, options);
  progress.clear();
  info.traffic_file = o.traffic;
  info.slo_file = slo_input.path;
  info.headroom = slo.headroom;
  info.currency = catalog.currency;
  if (common.format == "json")
    std::cout << output::compare_json(result, info).dump(2) << "\n";
  else
    std::cout << output::compare_table(result, info);
  bool holds = true;
  for (const auto& p : result) holds = holds && p.entries[0].holds();
  return holds ? kOk : kSloBreached;
}

}  // namespace capsim::cli
