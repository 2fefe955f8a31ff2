// The one place where raw JSON becomes typed values. An ObjectReader walks one JSON object, hands
// out typed fields, and records every problem (wrong type, out of range, missing, unknown key with
// a "did you mean") against the field's JSON pointer. Nothing is thrown while reading: the caller
// checks Diagnostics once the whole document has been read, so the user sees every problem at once.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"

namespace capsim::config {

using Json = nlohmann::json;

struct ReadContext {
  std::string file;
  core::Diagnostics diagnostics;
  void problem(const std::string& pointer, const std::string& message) {
    diagnostics.add(file, pointer, message);
  }
};

std::string json_type_name(const Json& j);
std::string child_pointer(const std::string& parent, const std::string& key);
std::string child_pointer(const std::string& parent, std::size_t index);
// Numbers and names as messages show them: 0.9 (not 0.900000), "name" in quotes.
std::string number_text(double v);
std::string in_quotes(const std::string& s);

class ObjectReader {
 public:
  // Reports a problem (and reads nothing) when `j` is not an object.
  ObjectReader(const Json& j, std::string pointer, ReadContext& ctx);
  ~ObjectReader();  // reports unknown keys
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  bool valid() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  ReadContext& context() const { return ctx_; }
  bool has(const std::string& key);         // marks the key as known
  const Json* raw(const std::string& key);  // marks the key as known; nullptr when absent
  std::string at(const std::string& key) const { return child_pointer(pointer_, key); }
  void problem(const std::string& key, const std::string& message) const {
    ctx_.problem(at(key), message);
  }
  void missing(const std::string& key, const std::string& expected) const;
  // Keys this object may hold beyond the ones asked for (for kind-dependent objects).
  void allow(std::initializer_list<const char*> keys);
  void allow(const std::vector<std::string>& keys);

  std::optional<std::string> string(const std::string& key, bool required = false);
  std::string string_or(const std::string& key, std::string fallback);
  // A string the object must have: "missing required key ... (expected <expected>)" when absent.
  std::string required_string(const std::string& key, const std::string& expected);
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed,
                                    bool required = false);
  std::string choice_or(const std::string& key, const std::vector<std::string>& allowed,
                        std::string fallback);
  std::optional<bool> boolean(const std::string& key, bool required = false);
  bool boolean_or(const std::string& key, bool fallback);
  std::optional<long long> integer(const std::string& key, long long min, long long max,
                                   bool required = false);
  long long integer_or(const std::string& key, long long min, long long max, long long fallback);
  std::optional<double> number(const std::string& key, double min, double max,
                               bool required = false);
  double number_or(const std::string& key, double min, double max, double fallback);
  // Durations must be strings with units and strictly positive unless allow_zero.
  std::optional<double> duration(const std::string& key, bool required = false,
                                 bool allow_zero = false);
  double duration_or(const std::string& key, double fallback, bool allow_zero = false);
  std::optional<double> size(const std::string& key, bool required = false);
  // A fraction given as 0.7 or "70%", in [0, 1].
  std::optional<double> fraction(const std::string& key, bool required = false);
  double fraction_or(const std::string& key, double fallback);

 private:
  const Json* find(const std::string& key, bool required, const char* expected);
  const Json* object_ = nullptr;
  std::string pointer_;
  ReadContext& ctx_;
  std::set<std::string> known_;
};

// Reports a problem unless `j` is an array; returns whether it is.
bool expect_array(const Json& j, const std::string& pointer, ReadContext& ctx,
                  const char* expected);

// Parses a whole file: reports unreadable paths, directories, empty files and malformed JSON
// (with line and column). Returns nullopt after reporting.
std::optional<Json> load_json_file(const std::string& path, ReadContext& ctx);

}  // namespace capsim::config
