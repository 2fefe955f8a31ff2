#include "config/kinds.hpp"

#include <algorithm>

namespace capsim::config {

const KindSyntax* find_kind(const KindTable& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> kind_names(const KindTable& kinds) {
  std::vector<std::string> names;
  for (const auto& k : kinds) names.push_back(k.name);
  return names;
}

std::vector<std::string> all_roles(const KindTable& kinds) {
  std::vector<std::string> roles;
  for (const auto& k : kinds)
    for (const auto& r : k.roles)
      if (std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
  return roles;
}

const char* article(const std::string& word) {
  return !word.empty() && std::string("aeiou").find(word[0]) != std::string::npos ? "an" : "a";
}

std::string kinds_phrase(const std::vector<std::string>& kinds) {
  std::string list;
  for (const auto& k : kinds) list += (list.empty() ? "" : " or ") + k;
  return kinds.empty() ? list : std::string(article(kinds.front())) + " " + list;
}

Address address_without_roles(const Component& c, int count, const std::string& role) {
  if (role.empty()) return {count, ""};
  const std::string& n = c.name;
  return {0, in_quotes(n) + " is " + article(c.kind) + " " + c.kind +
                 ", which has no roles (expected " + in_quotes(n) + " or " + in_quotes(n + "[i]") +
                 ")"};
}

Address wrong_role(const Component& c, const std::string& role,
                   const std::vector<std::string>& roles) {
  std::string forms;
  for (const auto& r : roles) forms += (forms.empty() ? "" : " or ") + in_quotes(c.name + "." + r);
  return {0, "role " + in_quotes(role) + " does not exist on " + in_quotes(c.name) + ", a " +
                 c.kind + " (expected " + forms + ")"};
}

Address ambiguous_index(const Component& c, const std::vector<std::string>& forms) {
  std::string expected;
  for (const auto& f : forms)
    expected += (expected.empty() ? "" : " or ") + in_quotes(c.name + "." + f);
  return {0, in_quotes(c.name + "[i]") + " is ambiguous for " + article(c.kind) + " " + c.kind +
                 ", whose instances change roles (expected " + expected + ")"};
}

}  // namespace capsim::config
