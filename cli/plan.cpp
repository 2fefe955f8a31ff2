// capsim plan TOPOLOGY --traffic T [--catalog C] [--slo S] [--horizon N]: the cheapest setup per
// period that meets the SLO with headroom and survives any single failure, with its costs.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "config/load.hpp"
#include "output/html_report.hpp"
#include "output/plan_report.hpp"
#include "output/report.hpp"
#include "plan/planner.hpp"
#include "runs/fork.hpp"
#include "runs/mpi.hpp"

namespace capsim::cli {

int plan(const PlanCommandOptions& o, const Common& common) {
  // --mpi: first, so that only rank 0 reports bad inputs (every rank reads the same ones).
  std::optional<runs::MpiSession> mpi;
  if (o.mpi) {
    if (!runs::MpiSession::available())
      throw UsageError(
          "--mpi: capsim was built without MPI (install libopenmpi-dev and openmpi-bin, e.g. with "
          "scripts/install-deps.sh, then configure and build again)");
    mpi.emplace();
  }
  const bool lead = !mpi || mpi->lead();  // the one that prints and writes
  CatalogInput catalog_input = load_catalog_input(o.catalog);
  const config::Catalog& catalog = catalog_input.catalog;
  const std::string& catalog_path = catalog_input.path;
  config::Topology topology = load_checked_topology(o.topology, &catalog);
  config::Traffic traffic = config::load_traffic(o.traffic);
  SloInput slo_input = load_slo_input(o.slo, {&topology});
  const config::Slo& slo = slo_input.slo;
  const std::string& slo_path = slo_input.path;
  if (o.horizon < 0 || o.horizon > 120)
    throw UsageError("--horizon: " + std::to_string(o.horizon) +
                     " is out of range (expected 1 to 120 periods)");

  plan::PlanOptions options;
  options.horizon = o.horizon;
  options.replications = o.replications;
  options.execute = mpi ? mpi->executor(o.processes) : runs::fork_executor(o.processes);
  options.seed = o.seed;
  options.drills = !o.no_drills;
  Progress progress = lead ? progress_line(common) : Progress{};
  options.progress = progress.show;
  plan::PlanResult result = plan::make_plan(topology, traffic, catalog, slo, options);
  progress.clear();

  output::PlanInfo info{o.topology,   o.traffic, catalog_path, slo_path,
                        slo.headroom, &topology, &catalog};
  // Every rank has the same plan; other ranks' stdout is /dev/null, but files are shared.
  if (lead && !common.out.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(common.out, ec);
    if (ec) throw UsageError("--out: cannot create " + common.out + ": " + ec.message());
    fs::path d(common.out);
    output::write_file(d / "plan.json", output::plan_json(result, info).dump(2) + "\n");
    output::write_file(d / "plan.md", output::plan_markdown(result, info));
    output::write_file(d / "costs.csv", output::costs_csv(result, info));
    nlohmann::json run = {{"capsim", CAPSIM_VERSION},
                          {"command", "plan"},
                          {"seed", o.seed},
                          {"replications", o.replications},
                          {"inputs",
                           {{"topology", file_json(o.topology)},
                            {"traffic", file_json(o.traffic)},
                            {"slo", file_json(slo_path)},
                            {"catalog_file", catalog_path},
                            {"horizon", o.horizon}}}};
    output::write_file(d / "run.json", run.dump(2) + "\n");
    if (o.report) {
      std::string path = output::write_html_report(common.out);
      if (!common.quiet) std::cerr << "wrote " << path << "\n";
    }
  }
  if (common.format == "json")
    std::cout << output::plan_json(result, info).dump(2) << "\n";
  else if (common.format == "markdown")
    std::cout << output::plan_markdown(result, info);
  else if (common.format == "csv")
    std::cout << output::costs_csv(result, info);
  else
    std::cout << output::plan_table(result, info);
  for (const auto& p : result.periods)
    if (!p.recommended) return kSloBreached;
  return kOk;
}

}  // namespace capsim::cli
