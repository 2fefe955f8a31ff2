// What `capsim plan` prints and writes: the recommended setup per period, the cost table, the
// change list, the capacity runway and the runbook's rules of thumb beside them. plan.json
// (schema topologies/schema/plan.schema.json), plan.md and costs.csv carry the same.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "config/catalog.hpp"
#include "config/topology.hpp"
#include "output/run_files.hpp"
#include "plan/planner.hpp"

namespace capsim::output {

struct PlanInfo {
  std::string topology_file, traffic_file, catalog_file, slo_file;
  double headroom = 0.7;
  const config::Topology* topology = nullptr;
  const config::Catalog* catalog = nullptr;
};

// plan.json and costs.csv as their structs (output/run_files.hpp), and as text.
PlanFile plan_file(const plan::PlanResult& p, const PlanInfo& info);
std::vector<CostRow> cost_rows(const plan::PlanResult& p, const PlanInfo& info);
nlohmann::json plan_json(const plan::PlanResult& p, const PlanInfo& info);
std::string plan_table(const plan::PlanResult& p, const PlanInfo& info);
std::string plan_markdown(const plan::PlanResult& p, const PlanInfo& info);
std::string costs_csv(const plan::PlanResult& p, const PlanInfo& info);
// How the runbook's rules of thumb compare with the plan, one sentence each.
std::vector<std::string> rule_of_thumb_comparison(const plan::PlanResult& p, const PlanInfo& info);

}  // namespace capsim::output

#include "plan/compare.hpp"

namespace capsim::output {

struct CompareInfo {
  std::vector<std::string> files, names;
  std::string traffic_file, slo_file;
  double headroom = 0.7;
  std::string currency = "USD";
};

nlohmann::json compare_json(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info);
std::string compare_table(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info);
// The one-line verdict on the first topology (the proposal).
std::string compare_verdict(const std::vector<plan::ComparePeriod>& c, const CompareInfo& info);

}  // namespace capsim::output
