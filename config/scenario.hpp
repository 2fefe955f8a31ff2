// A timed list of faults and actions for drills.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capsim::config {

struct ScenarioAction {
  double at = 0;       // seconds from the start of the measured window
  std::string action;  // kill | restore | slow | partition | heal | traffic
  std::string target;  // "api[2]", "pg.primary", "cache.master", "zone:a"; "" for traffic
  std::optional<double> duration;  // "for": undone after this long
  double factor = 1;               // slow: service time x factor; traffic: rate x factor
  std::string pointer;
  // The target, parsed: "pg.primary" -> component "pg", role "primary"; "api[2]" -> component
  // "api", index 2 (0-based); "zone:a" -> zone "a". All empty for "traffic".
  std::string component;
  std::string role;  // primary | replica | master | node | sentinel; "" = the component
  std::optional<int> index;
  std::string zone;
};

struct Scenario {
  std::string name;
  std::string file;
  std::string description;
  std::optional<double> duration;  // how long a drill runs; default: last action + 10 minutes
  std::vector<ScenarioAction> actions;
};

}  // namespace capsim::config
