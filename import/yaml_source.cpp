#include "import/yaml_source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "import/quantities.hpp"

namespace capsim::import {

std::optional<std::vector<YAML::Node>> load_yaml(const std::string& text, const std::string& file,
                                                 Diagnostics& diag, int first_line) {
  try {
    return YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's mark is 0-based; its msg says what the parser expected ("end of map not found").
    Origin o;
    o.file = file;
    o.line = e.mark.line >= 0 ? first_line + e.mark.line : 0;
    diag.problem(o, fmt::format("bad YAML: {} (expected valid YAML)", e.msg));
    return std::nullopt;
  }
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

YRef::YRef(YAML::Node node, Origin origin, int line_offset)
    : node_(node), origin_(std::move(origin)), line_offset_(line_offset) {
  if (node_.IsDefined()) {
    int l = node_.Mark().line;
    if (l >= 0) origin_.line = l + 1 + line_offset_;
  }
}

namespace {

// The maps a "<<" merge key brings in (an alias of a map, or a list of them), nearest first:
// YAML's merge key type, which compose files use with x- extension fields and anchors. yaml-cpp
// parses "<<" as an ordinary key, so the lookup follows it here.
std::vector<YAML::Node> merged_maps(const YAML::Node& map) {
  std::vector<YAML::Node> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != "<<") continue;
    const YAML::Node value = it->second;
    if (value.IsMap()) out.push_back(value);
    if (value.IsSequence())
      for (std::size_t i = 0; i < value.size(); i++)
        if (value[i].IsMap()) out.push_back(value[i]);
  }
  return out;
}

std::optional<YAML::Node> lookup(const YAML::Node& map, const std::string& key) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  for (const auto& m : merged_maps(map))
    if (auto found = lookup(m, key)) return found;
  return std::nullopt;
}

}  // namespace

YRef YRef::operator[](const std::string& key) const {
  Origin o = origin_.at(origin_.path + "/" + pointer_token(key));
  if (is_map())
    if (auto found = lookup(node_, key)) return YRef(*found, o, line_offset_);
  return YRef(YAML::Node(YAML::NodeType::Undefined), o, line_offset_);
}

YRef YRef::operator[](std::size_t index) const {
  Origin o = origin_.at(origin_.path + "/" + std::to_string(index));
  if (is_seq() && index < node_.size()) return YRef(node_[index], o, line_offset_);
  return YRef(YAML::Node(YAML::NodeType::Undefined), o, line_offset_);
}

std::vector<YRef> YRef::items() const {
  std::vector<YRef> out;
  if (!is_seq()) return out;
  for (std::size_t i = 0; i < node_.size(); i++) out.push_back((*this)[i]);
  return out;
}

std::vector<std::pair<std::string, YRef>> YRef::entries() const {
  std::vector<std::pair<std::string, YRef>> out;
  if (!is_map()) return out;
  std::vector<std::string> keys;
  auto collect = [&](const YAML::Node& map, auto&& self) -> void {
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() != "<<" &&
          std::find(keys.begin(), keys.end(), it->first.Scalar()) == keys.end())
        keys.push_back(it->first.Scalar());
    for (const auto& m : merged_maps(map)) self(m, self);
  };
  collect(node_, collect);
  for (const auto& key : keys) out.emplace_back(key, (*this)[key]);
  return out;
}

std::string YRef::text() const {
  return is_scalar() ? node_.Scalar() : std::string();
}

}  // namespace capsim::import

namespace capsim::import {

std::optional<long long> yaml_integer(const YRef& r, const std::string& what, Diagnostics& diag) {
  if (!r.defined()) return std::nullopt;
  if (r.is_scalar())
    if (auto v = parse_integer(r.text())) return v;
  diag.problem(r.origin(),
               fmt::format("{}: expected {}, got {}", r.origin().path, what,
                           r.is_scalar() ? "\"" + r.text() + "\"" : "a YAML collection"));
  return std::nullopt;
}

std::vector<YRef> yaml_scalars(const YRef& r) {
  std::vector<YRef> out;
  if (r.is_seq()) {
    for (const auto& item : r.items())
      if (item.is_scalar()) out.push_back(item);
  } else if (r.is_map()) {
    for (const auto& [key, value] : r.entries()) {
      // The key's own node is not kept by entries(): the value's origin, with the key's pointer.
      YRef k(YAML::Node(key), value.origin());
      out.push_back(k);
    }
  }
  return out;
}

}  // namespace capsim::import
