#include "cli/inputs.hpp"

#include <unistd.h>

#include <iostream>

#include "config/load.hpp"

namespace capsim::cli {

CatalogInput load_catalog_input(const std::string& flag) {
  auto input = load_catalog_if_any(flag);
  if (!input)
    throw UsageError("--catalog: no catalog given and none bundled (expected --catalog FILE)");
  return *input;
}

std::optional<CatalogInput> load_catalog_if_any(const std::string& flag) {
  std::string path = flag.empty() ? default_catalog_path() : flag;
  if (path.empty()) return std::nullopt;
  return CatalogInput{path, config::load_catalog(path)};
}

SloInput load_slo_input(const std::string& flag, const std::vector<const config::Topology*>& for_) {
  std::string path = flag.empty() ? default_slo_path() : flag;
  if (path.empty()) throw UsageError("--slo: no SLO given and none bundled (expected --slo FILE)");
  SloInput input{path, config::load_slo(path)};
  for (const auto* t : for_) {
    config::ReadContext ctx{path, {}};
    config::check_slo_against(input.slo, *t, ctx);
    if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  }
  return input;
}

void Progress::clear() const {
  if (show) std::cerr << "\r\033[K";
}

Progress progress_line(const Common& common) {
  Progress p;
  if (!common.quiet && isatty(STDERR_FILENO))
    p.show = [](const std::string& what) { std::cerr << "\r\033[K" << what << std::flush; };
  return p;
}

}  // namespace capsim::cli
