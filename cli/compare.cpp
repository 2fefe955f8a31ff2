// capsim compare A.json B.json ... --traffic T [--at P]: side by side at each period's peak; the
// exit status says whether the first topology (the proposal) holds everywhere.
#include "plan/compare.hpp"

#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "config/load.hpp"
#include "core/units.hpp"
#include "output/plan_report.hpp"
#include "runs/fork.hpp"

namespace capsim::cli {

int compare(const CompareOptions& o, const Common& common) {
  if (o.topologies.size() < 2)
    throw UsageError("compare: give at least two topologies (expected A.json B.json ...)");
  std::string catalog_path = o.catalog.empty() ? default_catalog_path() : o.catalog;
  if (catalog_path.empty())
    throw UsageError("--catalog: no catalog given and none bundled (expected --catalog FILE)");
  config::Catalog catalog = config::load_catalog(catalog_path);
  std::vector<config::Topology> topologies;
  output::CompareInfo info;
  for (const auto& f : o.topologies) {
    topologies.push_back(load_checked_topology(f, &catalog));
    info.files.push_back(f);
    info.names.push_back(topologies.back().name);
  }
  config::Traffic traffic = config::load_traffic(o.traffic);
  std::string slo_path = o.slo.empty() ? default_slo_path() : o.slo;
  if (slo_path.empty())
    throw UsageError("--slo: no SLO given and none bundled (expected --slo FILE)");
  config::Slo slo = config::load_slo(slo_path);
  for (const auto& t : topologies) {
    config::ReadContext ctx{slo_path, {}};
    config::check_slo_against(slo, t, ctx);
    if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  }
  plan::CompareOptions options;
  if (!o.at.empty()) options.at = period_option(o.at, traffic);
  options.replications = o.replications;
  options.execute = runs::fork_executor(o.processes);
  options.seed = o.seed;
  options.drills = !o.no_drills;
  bool show_progress = !common.quiet && isatty(STDERR_FILENO);
  if (show_progress)
    options.progress = [](const std::string& what) {
      std::cerr << "\r\033[K" << what << std::flush;
    };
  auto result = plan::compare(topologies, traffic, catalog, slo, options);
  if (show_progress) std::cerr << "\r\033[K";
  info.traffic_file = o.traffic;
  info.slo_file = slo_path;
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
