// The edge: reading input files into typed structs. Each function throws InputError carrying every
// problem found; nothing past this point sees JSON.
#pragma once

#include <string>
#include <variant>

#include "config/catalog.hpp"
#include "config/json_reader.hpp"
#include "config/kinds.hpp"
#include "config/scenario.hpp"
#include "config/slo.hpp"
#include "config/topology.hpp"
#include "config/traffic.hpp"
#include "core/diagnostics.hpp"

namespace capsim::config {

enum class FileKind { Topology, Traffic, Scenario, Catalog, Slo, Unknown };
const char* to_string(FileKind k);

// Reads a parsed document; problems go to ctx. Each reader checks only the document itself.
Topology read_topology(const Json& j, const KindTable& kinds, ReadContext& ctx);
Traffic read_traffic(const Json& j, ReadContext& ctx);
Scenario read_scenario(const Json& j, const KindTable& kinds, ReadContext& ctx);
Catalog read_catalog(const Json& j, ReadContext& ctx);
Slo read_slo(const Json& j, ReadContext& ctx);

// Guesses a document's kind from its distinctive keys ("components", "base", "actions", ...).
FileKind detect_kind(const Json& j);

// Cross-file checks: instance types exist in the catalog (vcpus resolved), SLO classes exist.
void resolve_instances(Topology& t, const Catalog& c, ReadContext& ctx);
void check_slo_against(const Slo& s, const Topology& t, ReadContext& ctx);
// Scenario targets name components, roles and zones of a topology (component names with
// "did you mean", roles valid for the component's kind, indexes in range, declared zones).
void check_scenario_against(const Scenario& s, const Topology& t, const KindTable& kinds,
                            ReadContext& ctx);

// File-level convenience: load, read, throw InputError on any problem.
Topology load_topology(const std::string& path, const KindTable& kinds,
                       const Catalog* catalog = nullptr);
Traffic load_traffic(const std::string& path);
Scenario load_scenario(const std::string& path, const KindTable& kinds);
Catalog load_catalog(const std::string& path);
Slo load_slo(const std::string& path);

}  // namespace capsim::config
