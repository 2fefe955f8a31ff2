// What a run writes: summary.json (versioned, schema in topologies/schema/summary.schema.json),
// the human table, markdown and csv views of it, timeseries.csv, latency.csv and run.json.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/slo_check.hpp"
#include "output/run_files.hpp"
#include "sim/summary.hpp"

namespace capsim::output {

struct RunInfo {
  std::string command = "simulate";
  std::string topology_name, topology_file;
  std::string load_source;  // "--rps 200" or "traffic.json at 2027-06 (peak)"
  double rps = 0;
  std::string arrival = "poisson";
  std::string slo_file;                     // with --slo
  std::optional<analysis::SloVerdict> slo;  // the run against it
};

// The run's files as their structs (output/run_files.hpp)...
SummaryFile summary_file(const sim::RunSummary& s, const RunInfo& info);
std::vector<TimeseriesRow> timeseries_rows(const sim::RunSummary& s);
std::vector<LatencyRow> latency_rows(const sim::RunSummary& s);
// ... and as text.
nlohmann::json summary_json(const sim::RunSummary& s, const RunInfo& info);
std::string summary_table(const sim::RunSummary& s, const RunInfo& info);
std::string summary_markdown(const sim::RunSummary& s, const RunInfo& info);
std::string summary_csv(const sim::RunSummary& s);
std::string timeseries_csv(const sim::RunSummary& s);
std::string latency_csv(const sim::RunSummary& s);

void write_file(const std::filesystem::path& path, const std::string& text);

// Writes summary.json, timeseries.csv, latency.csv and run.json (with `inputs` as given) into dir.
void write_run_dir(const std::string& dir, const sim::RunSummary& s, const RunInfo& info,
                   const nlohmann::json& inputs);

}  // namespace capsim::output
