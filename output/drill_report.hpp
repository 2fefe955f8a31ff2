// What a drill prints and writes: the timeline (fault, detection, election, promotion, clients
// back, recovery), the before / during / after phases, recovery time, lost writes and the verdict
// against the SLO's failover allowance. timeline.json is the same, versioned.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analysis/slo_check.hpp"
#include "output/run_files.hpp"
#include "sim/summary.hpp"

namespace capsim::output {

struct DrillInfo {
  std::string scenario, scenario_file, topology_name, topology_file, load_source;
  double rps = 0;
  int replications = 1;
  analysis::FailoverVerdict verdict;
};

// Replication 0's events plus the derived ones (last failed request, SLO holds again), by time.
std::vector<sim::Timeline::Event> drill_events(const sim::DrillSummary& d);
TimelineFile timeline_file(const sim::DrillSummary& d, const DrillInfo& info);
nlohmann::json timeline_json(const sim::DrillSummary& d, const DrillInfo& info);
std::string drill_table(const sim::DrillSummary& d, const DrillInfo& info);
std::string drill_markdown(const sim::DrillSummary& d, const DrillInfo& info);

}  // namespace capsim::output
