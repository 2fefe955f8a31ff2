#include "plan/compare.hpp"

#include <fmt/format.h>

#include "analysis/slo_check.hpp"
#include "core/units.hpp"
#include "models/blueprint.hpp"
#include "plan/space.hpp"

namespace capsim::plan {

using namespace config;

std::vector<ComparePeriod> compare(const std::vector<Topology>& topologies, const Traffic& traffic,
                                   const Catalog& catalog, const Slo& slo,
                                   const CompareOptions& options) {
  std::vector<int> months = options.at ? std::vector<int>{*options.at} : traffic.periods();
  std::vector<ComparePeriod> out;
  for (int month : months) {
    ComparePeriod period;
    period.month = month;
    period.peak_rps = traffic.peak_rps(month);
    if (options.progress)
      options.progress(fmt::format("{}: {:.0f} rps", core::format_month(month), period.peak_rps));
    sim::LoadSpec load;
    load.rps = period.peak_rps;
    load.arrival = models::arrivals(traffic.arrival);
    sim::RunSpec run = confirmation_run(load.rps, options.seed);
    // Every topology's confirming run at once, over all cores.
    std::vector<sim::BatchRun> batch;
    for (const auto& t : topologies)
      batch.push_back({models::blueprint(t), load, run, options.replications});
    auto summaries = sim::run_batch(batch, options.execute);
    for (std::size_t k = 0; k < topologies.size(); ++k) {
      const Topology& t = topologies[k];
      const sim::RunSummary& s = summaries[k];
      CompareEntry e;
      for (const auto& c : t.components) e.monthly += monthly_cost(c, current_choice(c), catalog);
      auto verdict = analysis::check_slo(slo, s);
      e.slo_pass = verdict.pass;
      for (const auto& c : verdict.checks)
        if (!c.pass) e.breaches.push_back(c.subject);
      RunFigures f = run_figures(s);
      e.p95 = f.p95;
      e.p99 = f.p99;
      e.error_rate = f.error_rate;
      for (const auto& c : s.components)
        if (c.utilisation.mean > e.busiest_utilisation) {
          e.busiest_utilisation = c.utilisation.mean;
          e.busiest = fmt::format("{} {:.0f}%", c.name, 100 * c.utilisation.mean);
        }
      if (options.drills) {
        std::vector<std::size_t> tiers;
        for (std::size_t i = 0; i < t.components.size(); ++i) tiers.push_back(i);
        e.drills = run_loss_drills(t, tiers, load, run, slo, options.execute);
        for (const auto& d : e.drills) e.survives = e.survives && d.pass;
      }
      period.entries.push_back(std::move(e));
    }
    out.push_back(std::move(period));
  }
  return out;
}

}  // namespace capsim::plan
