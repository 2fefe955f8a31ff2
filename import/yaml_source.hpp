// YAML through yaml-cpp: loading a (multi-document) file with its syntax errors reported at their
// line, and a read-only view of a node that knows its JSON pointer and line, so every value read
// can say where it came from. The view never inserts into the document (yaml-cpp's non-const
// operator[] would) and never throws on a key lookup in a scalar.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

// Every document of `text` (empty documents included, so indices match the file's), or nullopt
// after reporting the syntax error as a problem at `file`'s line. `first_line` is the line of the
// text's first line in `file` (for YAML embedded in another file).
std::optional<std::vector<YAML::Node>> load_yaml(const std::string& text, const std::string& file,
                                                 Diagnostics& diag, int first_line = 1);

// Escapes a key for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

class YRef {
 public:
  YRef() = default;
  // `origin` locates `node` (its path is the node's JSON pointer); the line is taken from the node.
  YRef(YAML::Node node, Origin origin, int line_offset = 0);

  bool defined() const { return node_.IsDefined() && !node_.IsNull(); }
  bool is_map() const { return node_.IsDefined() && node_.IsMap(); }
  bool is_seq() const { return node_.IsDefined() && node_.IsSequence(); }
  bool is_scalar() const { return node_.IsDefined() && node_.IsScalar(); }

  // The child at `key` of a map (undefined when absent or not a map); its origin's line is the
  // parent's when it is absent.
  YRef operator[](const std::string& key) const;
  YRef operator[](std::size_t index) const;
  std::vector<YRef> items() const;                            // a sequence's items
  std::vector<std::pair<std::string, YRef>> entries() const;  // a map's entries, in order

  // The scalar's text; "" when not a scalar.
  std::string text() const;
  const Origin& origin() const { return origin_; }
  int line() const { return origin_.line; }
  const YAML::Node& node() const { return node_; }

 private:
  YAML::Node node_;
  Origin origin_;
  int line_offset_ = 0;
};

}  // namespace capsim::import

namespace capsim::import {

// A scalar as a whole number, or a problem "<pointer>: expected <what>, got "<text>"" (nullopt).
std::optional<long long> yaml_integer(const YRef& r, const std::string& what, Diagnostics& diag);
// The scalar items of a sequence, or a map's keys (compose allows both for depends_on).
std::vector<YRef> yaml_scalars(const YRef& r);

}  // namespace capsim::import
