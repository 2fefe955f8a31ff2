// The kind table: every component kind capsim knows, each described by its own folder under
// models/ (models/kind.hpp says what a kind tells the rest of capsim). The rest of capsim asks
// here; nothing outside models/<kind>/ names a kind.
#pragma once

#include <string>
#include <vector>

#include "config/kinds.hpp"
#include "config/load.hpp"
#include "models/kind.hpp"

namespace capsim::models {

// Every kind, in the order messages list them.
const std::vector<Kind>& kinds();
// The kind named `name`, or nullptr.
const Kind* find(const std::string& name);
// The component's kind; throws std::logic_error for a kind the registry lacks (the readers never
// let one through).
const Kind& kind_of(const config::Component& c);
// What the readers need of every kind (config::KindTable), in the same order.
const config::KindTable& syntax();

// Loading with the registry's kinds (config/load.hpp's functions, which take the table).
config::Topology load_topology(const std::string& path, const config::Catalog* catalog = nullptr);
config::Scenario load_scenario(const std::string& path);

}  // namespace capsim::models
