#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/graph.hpp"
#include "cli/commands.hpp"
#include "config/load.hpp"
#include "core/diagnostics.hpp"
#include "core/units.hpp"
#include "models/registry.hpp"

namespace capsim::cli {

void print_problems(const std::exception& e) {
  if (const auto* input = dynamic_cast<const core::InputError*>(&e)) {
    for (const auto& p : input->diagnostics().problems()) std::cerr << p.to_string() << "\n";
    return;
  }
  std::cerr << "capsim: " << e.what() << "\n";
}

config::Topology load_checked_topology(const std::string& path, const config::Catalog* catalog) {
  config::Topology t = models::load_topology(path, catalog);
  core::Diagnostics errors;
  for (const auto& f : analysis::analyse(t))
    if (f.severity == "error") errors.add(path, f.pointer, f.message);
  if (!errors.ok()) throw core::InputError(errors);
  return t;
}

std::string default_catalog_path() {
  if (const char* env = std::getenv("CAPSIM_CATALOG")) return env;
  std::string bundled = std::string(CAPSIM_SOURCE_DIR) + "/experiments/catalog-aws-us-east-1.json";
  // Relative to where capsim runs, so that messages and reports show a short path.
  return std::filesystem::exists(bundled) ? std::filesystem::proximate(bundled).string() : "";
}

nlohmann::json file_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

int period_option(const std::string& at, const config::Traffic& traffic) {
  auto m = core::parse_month(at);
  if (!m) throw UsageError("--at: \"" + at + "\" is not a month (expected YYYY-MM)");
  auto periods = traffic.periods();
  if (*m < periods.front() || *m > periods.back())
    throw UsageError("--at: " + at + " is outside the growth curve (" +
                     core::format_month(periods.front()) + " to " +
                     core::format_month(periods.back()) + ")");
  return *m;
}

std::string default_slo_path() {
  std::string bundled = std::string(CAPSIM_SOURCE_DIR) + "/experiments/slo-default.json";
  return std::filesystem::exists(bundled) ? std::filesystem::proximate(bundled).string() : "";
}

}  // namespace capsim::cli
