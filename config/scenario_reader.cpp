// Scenario JSON -> config::Scenario, and the check of its targets against a topology. The shape is
// documented in topologies/schema/scenario.schema.json.
//
// Targets: "name" (the whole component), "name[i]" (its i-th instance, 0-based), "name.role"
// (whichever instance holds the role when the action fires, e.g. "pg.primary"), "name.role[i]"
// (the i-th instance of that role, e.g. "vectors.node[1]", "pg.replica[0]") and "zone:NAME".
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "config/kinds.hpp"
#include "config/load.hpp"

namespace capsim::config {
namespace {

const std::vector<std::string> kActions = {"kill",      "restore", "slow",
                                           "partition", "heal",    "traffic"};
constexpr const char* kTargetForms =
    "\"name\", \"name[i]\", \"name.role\", \"name.role[i]\" or \"zone:NAME\"";

std::string list_of(const std::vector<std::string>& items) {
  std::string list;
  for (const auto& i : items) list += (list.empty() ? "" : ", ") + in_quotes(i);
  return list;
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), name_char);
}

// Parses `text` into the action's component/role/index/zone; returns an error message or "".
std::string parse_target(const std::string& text, const std::vector<std::string>& roles,
                         ScenarioAction& a) {
  const std::string bad =
      in_quotes(text) + " is not a target (expected " + kTargetForms + ", e.g. \"pg.primary\")";
  if (text.rfind("zone:", 0) == 0) {
    std::string zone = text.substr(5);
    if (!is_name(zone)) return bad;
    a.zone = zone;
    return "";
  }
  std::string rest = text;
  std::optional<int> index;
  if (!rest.empty() && rest.back() == ']') {
    auto open = rest.rfind('[');
    if (open == std::string::npos) return bad;
    std::string digits = rest.substr(open + 1, rest.size() - open - 2);
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return bad;
    index = std::stoi(digits);
    rest = rest.substr(0, open);
  }
  std::string role;
  if (auto dot = rest.find('.'); dot != std::string::npos) {
    role = rest.substr(dot + 1);
    rest = rest.substr(0, dot);
    if (!is_name(role)) return bad;
  }
  if (!is_name(rest)) return bad;
  if (!role.empty() && std::find(roles.begin(), roles.end(), role) == roles.end()) {
    std::string hint = core::closest_match(role, roles);
    return "unknown role " + in_quotes(role) + " in " + in_quotes(text) +
           (hint.empty() ? " (expected " : " (did you mean " + in_quotes(hint) + "?; expected ") +
           "one of " + list_of(roles) + ")";
  }
  a.component = rest;
  a.role = role;
  a.index = index;
  return "";
}

// Returns whether "at" was read.
bool read_action(const Json& j, const std::string& ptr, const std::vector<std::string>& roles,
                 ScenarioAction& a, ReadContext& ctx) {
  a.pointer = ptr;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return false;
  auto at = r.duration("at", true, true);
  if (at) a.at = *at;
  auto action = r.choice("action", kActions, true);
  auto target = r.string("target");
  if (r.has("for")) a.duration = r.duration("for");
  const Json* factor = r.raw("factor");
  if (!action) return at.has_value();
  a.action = *action;
  bool is_traffic = *action == "traffic";
  if (is_traffic && r.has("target")) {
    r.problem("target",
              "is given for a \"traffic\" action (expected no target: \"traffic\" scales the "
              "whole arrival rate)");
  } else if (!is_traffic && !r.has("target")) {
    r.missing("target", std::string("an instance, role or zone: ") + kTargetForms);
  } else if (target) {
    a.target = *target;
    std::string error = parse_target(*target, roles, a);
    if (!error.empty()) r.problem("target", error);
  }
  bool wants_factor = *action == "slow" || is_traffic;
  if (wants_factor) {
    const char* expected = "a number greater than 0 and at most 1000";
    if (!factor) {
      r.missing("factor", *action == "slow" ? "a number greater than 0 and at most 1000 (service "
                                              "time x factor)"
                                            : "a number greater than 0 and at most 1000 (arrival "
                                              "rate x factor)");
    } else if (!factor->is_number() || !std::isfinite(factor->get<double>())) {
      r.problem("factor", "is " + json_type_name(*factor) + " (expected " + expected + ")");
    } else if (factor->get<double>() <= 0 || factor->get<double>() > 1000) {
      r.problem("factor", number_text(factor->get<double>()) + " is out of range (expected " +
                              expected + ")");
    } else {
      a.factor = factor->get<double>();
    }
  } else if (factor) {
    r.problem("factor",
              "is only used by \"slow\" and \"traffic\" actions (expected no factor for " +
                  in_quotes(*action) + ")");
  }
  if ((*action == "restore" || *action == "heal") && r.has("for"))
    r.problem("for", "is not used by " + in_quotes(*action) +
                         " (expected no \"for\": the action itself undoes an earlier one)");
  return at.has_value();
}

}  // namespace

Scenario read_scenario(const Json& j, const KindTable& kinds, ReadContext& ctx) {
  Scenario s;
  s.file = ctx.file;
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return s;
  s.name = r.required_string("name", "a name for the scenario");
  s.description = r.string_or("description", "");
  if (r.has("duration")) s.duration = r.duration("duration");
  const Json* actions = r.raw("actions");
  if (!actions) {
    r.missing("actions", "an array of timed actions");
    return s;
  }
  if (!expect_array(*actions, "/actions", ctx, "an array of timed actions")) return s;
  if (actions->empty()) ctx.problem("/actions", "is empty (expected at least one action)");
  const std::vector<std::string> roles = all_roles(kinds);
  std::optional<double> previous;  // the last readable "at", and how it was written
  std::string previous_text;
  for (std::size_t i = 0; i < actions->size(); ++i) {
    const Json& aj = (*actions)[i];
    ScenarioAction a;
    if (read_action(aj, child_pointer("/actions", i), roles, a, ctx)) {
      std::string at_text = aj.at("at").get<std::string>();
      if (previous && a.at < *previous)
        ctx.problem(a.pointer + "/at", in_quotes(at_text) + " comes before the previous action's " +
                                           in_quotes(previous_text) +
                                           " (expected actions sorted by \"at\")");
      if (s.duration && a.at >= *s.duration)
        ctx.problem(a.pointer + "/at", in_quotes(at_text) +
                                           " is not before the end of the drill at " +
                                           in_quotes(j.at("duration").get<std::string>()) +
                                           " (expected \"at\" within \"duration\")");
      previous = a.at;
      previous_text = at_text;
    }
    s.actions.push_back(std::move(a));
  }
  return s;
}

void check_scenario_against(const Scenario& s, const Topology& t, const KindTable& kinds,
                            ReadContext& ctx) {
  std::vector<std::string> names;
  for (const auto& c : t.components) names.push_back(c.name);
  const std::string in_file = t.file.empty() ? "" : " in " + t.file;
  for (const auto& a : s.actions) {
    const std::string ptr = a.pointer + "/target";
    if (!a.zone.empty()) {
      if (std::find(t.zones.begin(), t.zones.end(), a.zone) != t.zones.end()) continue;
      std::string hint = core::closest_match(a.zone, t.zones);
      ctx.problem(ptr, "unknown zone " + in_quotes(a.zone) + in_file +
                           (hint.empty() ? " (expected a zone declared in the topology's /zones)"
                                         : " (did you mean " + in_quotes(hint) + "?)"));
      continue;
    }
    if (a.component.empty()) continue;
    const Component* c = t.find(a.component);
    if (!c) {
      std::string hint = core::closest_match(a.component, names);
      ctx.problem(ptr, "unknown component " + in_quotes(a.component) + in_file +
                           (hint.empty() ? "" : " (did you mean " + in_quotes(hint) + "?)"));
      continue;
    }
    const KindSyntax* kind = find_kind(kinds, c->kind);
    // An unreadable kind is the topology's own problem, reported when it was read.
    if (!kind || !c->params || !kind->address) continue;
    Address ad = kind->address(*c, a.role, a.index.has_value());
    if (!ad.invalid.empty()) {
      ctx.problem(ptr, ad.invalid);
      continue;
    }
    std::string base = a.role.empty() ? a.component : a.component + "." + a.role;
    if (ad.count == 0) {
      ctx.problem(ptr, in_quotes(c->name) + " has 0 instances with role " + in_quotes(a.role) +
                           in_file + " (expected a role the topology declares)");
      continue;
    }
    if (a.index && *a.index >= ad.count)
      ctx.problem(ptr, "index " + std::to_string(*a.index) + " is out of range (expected " +
                           in_quotes(base + "[0]") +
                           (ad.count > 1 ? " to " + in_quotes(base + "[" +
                                                              std::to_string(ad.count - 1) + "]")
                                         : "") +
                           ")");
  }
}

}  // namespace capsim::config
