#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "config/diagnostics.hpp"

namespace capsim::cli {

void print_problems(const std::exception& e) {
  if (const auto* input = dynamic_cast<const config::InputError*>(&e)) {
    for (const auto& p : input->diagnostics().problems()) std::cerr << p.to_string() << "\n";
    return;
  }
  std::cerr << "capsim: " << e.what() << "\n";
}

std::string default_catalog_path() {
  if (const char* env = std::getenv("CAPSIM_CATALOG")) return env;
  std::string bundled = std::string(CAPSIM_SOURCE_DIR) + "/experiments/catalog-aws-us-east-1.json";
  return std::filesystem::exists(bundled) ? bundled : "";
}

}  // namespace capsim::cli
