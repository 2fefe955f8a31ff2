#include "config/load.hpp"

#include <algorithm>

namespace capsim::config {

const char* to_string(FileKind k) {
  switch (k) {
    case FileKind::Topology:
      return "topology";
    case FileKind::Traffic:
      return "traffic";
    case FileKind::Scenario:
      return "scenario";
    case FileKind::Catalog:
      return "catalog";
    case FileKind::Slo:
      return "slo";
    default:
      return "unknown";
  }
}

FileKind detect_kind(const Json& j) {
  if (!j.is_object()) return FileKind::Unknown;
  if (j.contains("components") || j.contains("requests")) return FileKind::Topology;
  if (j.contains("base") || j.contains("growth") || j.contains("daily")) return FileKind::Traffic;
  if (j.contains("actions")) return FileKind::Scenario;
  if (j.contains("instances")) return FileKind::Catalog;
  if (j.contains("classes") || j.contains("headroom") || j.contains("error_rate") ||
      j.contains("latency"))
    return FileKind::Slo;
  return FileKind::Unknown;
}

namespace {

template <typename T, typename Reader>
T load_with(const std::string& path, Reader read) {
  ReadContext ctx{path, {}};
  auto j = load_json_file(path, ctx);
  if (!j) throw core::InputError(ctx.diagnostics);
  T value = read(*j, ctx);
  if (!ctx.diagnostics.ok()) throw core::InputError(ctx.diagnostics);
  return value;
}

}  // namespace

void resolve_instances(Topology& t, const Catalog& c, ReadContext& ctx) {
  std::vector<std::string> names;
  for (const auto& [name, type] : c.instances) names.push_back(name);
  for (auto& comp : t.components) {
    if (comp.plan)
      for (std::size_t i = 0; i < comp.plan->instances.size(); ++i) {
        const std::string& name = comp.plan->instances[i];
        if (c.find(name)) continue;
        std::string hint = core::closest_match(name, names);
        ctx.problem(
            child_pointer(
                child_pointer(child_pointer(child_pointer("/components", comp.name), "plan"),
                              "instances"),
                i),
            "unknown instance type \"" + name + "\"" +
                (hint.empty() ? " (expected a type from " + c.file + ")"
                              : " (did you mean \"" + hint + "\"?)"));
      }
    if (!comp.instance) continue;
    const InstanceType* type = c.find(*comp.instance);
    if (!type) {
      std::string hint = core::closest_match(*comp.instance, names);
      ctx.problem(child_pointer(child_pointer("/components", comp.name), "instance"),
                  "unknown instance type \"" + *comp.instance + "\"" +
                      (hint.empty() ? " (expected a type from " + c.file + ")"
                                    : " (did you mean \"" + hint + "\"?)"));
      continue;
    }
    if (comp.vcpus == 0) comp.vcpus = type->vcpus;
  }
}

void check_slo_against(const Slo& s, const Topology& t, ReadContext& ctx) {
  std::vector<std::string> names;
  for (const auto& r : t.requests) names.push_back(r.name);
  for (const auto& [name, target] : s.classes) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string hint = core::closest_match(name, names);
    ctx.problem(child_pointer("/classes", name),
                "unknown request class \"" + name + "\" in " + t.file +
                    (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
  }
}

Topology load_topology(const std::string& path, const KindTable& kinds, const Catalog* catalog) {
  return load_with<Topology>(path, [&](const Json& j, ReadContext& ctx) {
    Topology t = read_topology(j, kinds, ctx);
    if (catalog) resolve_instances(t, *catalog, ctx);
    return t;
  });
}

Traffic load_traffic(const std::string& path) {
  return load_with<Traffic>(path, read_traffic);
}
Scenario load_scenario(const std::string& path, const KindTable& kinds) {
  return load_with<Scenario>(
      path, [&](const Json& j, ReadContext& ctx) { return read_scenario(j, kinds, ctx); });
}
Catalog load_catalog(const std::string& path) {
  return load_with<Catalog>(path, read_catalog);
}
Slo load_slo(const std::string& path) {
  return load_with<Slo>(path, read_slo);
}

}  // namespace capsim::config
