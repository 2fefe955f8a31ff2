#include "sim/component.hpp"

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

}  // namespace capsim::sim
