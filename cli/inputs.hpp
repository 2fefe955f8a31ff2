// What the commands share between parsing their flags and running: loading the inputs they name
// (with the bundled defaults where a flag is left out) and showing progress.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "config/catalog.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"

namespace capsim::cli {

// --catalog FILE, else the bundled catalog; a UsageError when there is neither.
struct CatalogInput {
  std::string path;
  config::Catalog catalog;
};
CatalogInput load_catalog_input(const std::string& flag);
// The same, but nullopt when there is neither (simulate works without prices).
std::optional<CatalogInput> load_catalog_if_any(const std::string& flag);

// --slo FILE, else the bundled SLO; its request classes checked against each topology.
struct SloInput {
  std::string path;
  config::Slo slo;
};
SloInput load_slo_input(const std::string& flag, const std::vector<const config::Topology*>& for_);

// One line on stderr, rewritten in place: only on a terminal and without --quiet; empty when not
// shown. `clear()` wipes the line at the end.
struct Progress {
  std::function<void(const std::string&)> show;
  void clear() const;
};
Progress progress_line(const Common& common);

}  // namespace capsim::cli
