// Finding a request class or a component in a run summary, for tests that run the engine directly.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "sim/summary.hpp"

namespace capsim::testing {

inline const sim::ClassSummary& cls(const sim::RunSummary& s, const std::string& name) {
  auto it = std::find_if(s.classes.begin(), s.classes.end(),
                         [&](const sim::ClassSummary& c) { return c.name == name; });
  INFO("request class " << name);
  REQUIRE(it != s.classes.end());
  return *it;
}

inline const sim::ComponentSummary& comp(const sim::RunSummary& s, const std::string& name) {
  auto it = std::find_if(s.components.begin(), s.components.end(),
                         [&](const sim::ComponentSummary& c) { return c.name == name; });
  INFO("component " << name);
  REQUIRE(it != s.components.end());
  return *it;
}

}  // namespace capsim::testing
