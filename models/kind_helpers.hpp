// What several kinds fill alike in their models::Kind (models/kind.hpp): a count kept in one field
// of their params, a tier of interchangeable instances. Each kind's kind.cpp uses what fits.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "models/kind.hpp"

namespace capsim::models {

// The component's instances as written: one int field of its params.
template <typename Params>
std::function<long long(const config::Component&)> count_of(int Params::*count) {
  return
      [count](const config::Component& c) { return static_cast<long long>(c.as<Params>().*count); };
}

// A tier that is a single point of failure with one instance (`count` <= 1).
template <typename Params>
std::function<std::optional<Spof>(const config::Component&)> single_instance_spof(
    int Params::*count) {
  return [count](const config::Component& c) -> std::optional<Spof> {
    if (c.as<Params>().*count <= 1) return Spof{"1 instance"};
    return std::nullopt;
  };
}

// The planner's knob of a kind whose choice is one count field: read from it, written to it, with
// `noun` ("replicas", or "" for "instances") and the range the count may take when the topology's
// "plan" key does not say (empty: as written).
template <typename Params>
Planning count_knob(int Params::*count, const char* noun,
                    std::function<std::pair<int, int>(int written)> range = {}) {
  Planning p;
  p.count = [count](const config::Component& c) { return c.as<Params>().*count; };
  if (noun && *noun) p.noun = [noun](const Choice&) { return std::string(noun); };
  p.default_range = std::move(range);
  p.apply = [count](config::Component& c, const Choice& ch) { edit<Params>(c).*count = ch.count; };
  return p;
}

// The loss drill of interchangeable instances: the first one dies, and one more instance fixes a
// drill that fails (the survivors share the load).
LossDrill lose_first_instance(bool every_period);

}  // namespace capsim::models
