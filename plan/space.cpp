#include "plan/space.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "models/registry.hpp"

namespace capsim::plan {

using namespace config;

namespace {

const models::Planning& planning(const Component& c) {
  return models::kind_of(c).planning;
}

}  // namespace

Choice current_choice(const Component& c) {
  const auto& p = planning(c);
  Choice ch;
  ch.instance = c.instance.value_or("");
  ch.count = p.count(c);
  if (p.mode) ch.mode = p.mode(c);
  return ch;
}

std::vector<Knob> knobs(const Topology& t) {
  std::vector<Knob> out;
  for (const auto& c : t.components) {
    Choice now = current_choice(c);
    Knob k;
    // Defaults: what a capacity review usually varies, keeping what the architect fixed: each
    // kind's own range, else the count as written.
    k.min = k.max = now.count;
    if (const auto& range = planning(c).default_range) std::tie(k.min, k.max) = range(now.count);
    k.instances = {now.instance};
    k.modes = {now.mode};
    if (c.plan) {
      if (c.plan->min) k.min = *c.plan->min;
      if (c.plan->max) k.max = *c.plan->max;
      if (!c.plan->instances.empty()) k.instances = c.plan->instances;
      if (!c.plan->modes.empty()) k.modes = c.plan->modes;
    }
    out.push_back(std::move(k));
  }
  return out;
}

Topology apply(const Topology& t, const Setup& setup, const Catalog& catalog) {
  Topology out = t;
  for (std::size_t i = 0; i < out.components.size(); ++i) {
    Component& c = out.components[i];
    const Choice& ch = setup[i];
    const auto& p = planning(c);
    if (!ch.instance.empty()) {
      const InstanceType* type = catalog.find(ch.instance);
      if (!type) throw std::logic_error("instance type not in the catalog: " + ch.instance);
      if (!c.instance || *c.instance != ch.instance) {
        int old_vcpus = c.vcpus;
        c.vcpus = type->vcpus;
        if (p.rehost) p.rehost(c, old_vcpus);
      }
      c.instance = ch.instance;
    }
    p.apply(c, ch);
  }
  return out;
}

int billed_machines(const Component& c, const Choice& ch) {
  const auto& p = planning(c);
  return p.billed ? p.billed(c, ch) : ch.count;
}

double monthly_cost(const Component& c, const Choice& ch, const Catalog& catalog) {
  if (ch.instance.empty()) return 0;
  const InstanceType* type = catalog.find(ch.instance);
  return type ? billed_machines(c, ch) * type->hourly * Catalog::hours_per_month : 0;
}

std::string count_noun(const Component& c, const Choice& ch) {
  const auto& p = planning(c);
  return p.noun ? p.noun(ch) : "instances";
}

std::string describe(const Component& c, const Choice& ch) {
  const auto& p = planning(c);
  if (p.describe) return p.describe(c, ch);
  std::string type = ch.instance.empty() ? "" : " " + ch.instance;
  return fmt::format("{} x{}", ch.count, type.empty() ? " " + count_noun(c, ch) : type);
}

int least_count(const Component& c, const Choice& ch, bool n_plus_1) {
  const auto& p = planning(c);
  return p.least ? p.least(ch, n_plus_1) : 0;
}

std::string change_text(const Component& c, const Choice& from, const Choice& to) {
  std::string what;
  if (from.mode != to.mode) what = fmt::format("{} -> {}", from.mode, to.mode);
  if (from.instance != to.instance)
    what += (what.empty() ? "" : ", ") + fmt::format("{} -> {}", from.instance, to.instance);
  if (from.count != to.count) {
    const auto& grow = planning(c).grow_text;
    if (grow && to.count > from.count)
      what += (what.empty() ? "" : ", ") + grow(from, to);
    else
      what += (what.empty() ? "" : ", ") +
              fmt::format("{} {} -> {}", count_noun(c, to), from.count, to.count);
  }
  return c.name + ": " + what;
}

}  // namespace capsim::plan
