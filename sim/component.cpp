#include "sim/component.hpp"

#include "sim/blueprint.hpp"
#include "sim/engine.hpp"

namespace capsim::sim {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kill:
      return "kill";
    case FaultKind::restore:
      return "restore";
    case FaultKind::partition:
      return "partition";
    case FaultKind::heal:
      return "heal";
    case FaultKind::slow:
      return "slow";
  }
  return "?";
}

void Timeline::note(const std::string& component, const std::string& event,
                    const std::string& detail) {
  events_.push_back({engine_.now(), component, event, detail});
}

std::vector<Placement> Component::placement() const {
  std::vector<Placement> out;
  for (int i = 0; i < instances(); ++i) out.push_back({"", i, "", instance_up(i)});
  return out;
}

const std::string& ModelContext::name() const {
  return system.components[self].name;
}

std::string ModelContext::zone_of(int i) const {
  const auto& own = system.components[self].zones;
  const auto& zones = own.empty() ? system.zones : own;
  return zones.empty() ? "" : zones[static_cast<std::size_t>(i) % zones.size()];
}

int Blueprint::index_of(const std::string& component) const {
  for (std::size_t i = 0; i < components.size(); ++i)
    if (components[i].name == component) return static_cast<int>(i);
  return -1;
}

}  // namespace capsim::sim
