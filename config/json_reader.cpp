#include "config/json_reader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/units.hpp"

namespace capsim::config {

std::string json_type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

std::string child_pointer(const std::string& parent, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return parent + "/" + escaped;
}

std::string child_pointer(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

ObjectReader::ObjectReader(const Json& j, std::string pointer, ReadContext& ctx)
    : pointer_(std::move(pointer)), ctx_(ctx) {
  if (j.is_object())
    object_ = &j;
  else
    ctx_.problem(pointer_, "is " + json_type_name(j) + " (expected an object)");
}

ObjectReader::~ObjectReader() {
  if (!object_) return;
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& [key, value] : object_->items()) {
    if (known_.count(key)) continue;
    std::string message = "unknown key \"" + key + "\"";
    std::string suggestion = core::closest_match(key, candidates);
    if (!suggestion.empty()) message += " (did you mean \"" + suggestion + "\"?)";
    ctx_.problem(child_pointer(pointer_, key), message);
  }
}

void ObjectReader::allow(std::initializer_list<const char*> keys) {
  for (const char* k : keys) known_.insert(k);
}

void ObjectReader::allow(const std::vector<std::string>& keys) {
  known_.insert(keys.begin(), keys.end());
}

bool ObjectReader::has(const std::string& key) {
  known_.insert(key);
  return object_ && object_->contains(key);
}

const Json* ObjectReader::raw(const std::string& key) {
  known_.insert(key);
  if (!object_) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

void ObjectReader::missing(const std::string& key, const std::string& expected) const {
  ctx_.problem(pointer_, "missing required key \"" + key + "\" (expected " + expected + ")");
}

const Json* ObjectReader::find(const std::string& key, bool required, const char* expected) {
  const Json* j = raw(key);
  if (!j && required && object_) missing(key, expected);
  return j;
}

std::optional<std::string> ObjectReader::string(const std::string& key, bool required) {
  const Json* j = find(key, required, "a string");
  if (!j) return std::nullopt;
  if (!j->is_string()) {
    problem(key, "is " + json_type_name(*j) + " (expected a string)");
    return std::nullopt;
  }
  if (j->get_ref<const std::string&>().empty()) {
    problem(key, "is an empty string (expected a non-empty string)");
    return std::nullopt;
  }
  return j->get<std::string>();
}

std::string ObjectReader::string_or(const std::string& key, std::string fallback) {
  auto v = string(key);
  return v ? *v : fallback;
}

std::string ObjectReader::required_string(const std::string& key, const std::string& expected) {
  if (!raw(key)) {
    if (object_) missing(key, expected);
    return "";
  }
  return string_or(key, "");
}

std::optional<std::string> ObjectReader::choice(const std::string& key,
                                                const std::vector<std::string>& allowed,
                                                bool required) {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  const Json* j = find(key, required, ("one of " + list).c_str());
  if (!j) return std::nullopt;
  if (!j->is_string()) {
    problem(key, "is " + json_type_name(*j) + " (expected one of " + list + ")");
    return std::nullopt;
  }
  const auto& s = j->get_ref<const std::string&>();
  for (const auto& a : allowed)
    if (s == a) return s;
  std::string message = "\"" + s + "\" is not allowed (expected one of " + list + ")";
  std::string suggestion = core::closest_match(s, allowed);
  if (!suggestion.empty())
    message = "\"" + s + "\" is not allowed (did you mean \"" + suggestion +
              "\"?; expected one of " + list + ")";
  problem(key, message);
  return std::nullopt;
}

std::string ObjectReader::choice_or(const std::string& key, const std::vector<std::string>& allowed,
                                    std::string fallback) {
  auto v = choice(key, allowed);
  return v ? *v : fallback;
}

std::optional<bool> ObjectReader::boolean(const std::string& key, bool required) {
  const Json* j = find(key, required, "true or false");
  if (!j) return std::nullopt;
  if (!j->is_boolean()) {
    problem(key, "is " + json_type_name(*j) + " (expected true or false)");
    return std::nullopt;
  }
  return j->get<bool>();
}

bool ObjectReader::boolean_or(const std::string& key, bool fallback) {
  auto v = boolean(key);
  return v ? *v : fallback;
}

std::optional<long long> ObjectReader::integer(const std::string& key, long long min, long long max,
                                               bool required) {
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const Json* j = find(key, required, range.c_str());
  if (!j) return std::nullopt;
  bool integral =
      j->is_number_integer() ||
      (j->is_number_float() && std::isfinite(j->get<double>()) &&
       std::floor(j->get<double>()) == j->get<double>() && std::fabs(j->get<double>()) < 9e15);
  if (!integral) {
    problem(key, "is " + json_type_name(*j) + " (expected " + range + ")");
    return std::nullopt;
  }
  if (j->is_number_unsigned() &&
      j->get<unsigned long long>() > static_cast<unsigned long long>(max)) {
    problem(key, std::to_string(j->get<unsigned long long>()) + " is out of range (expected " +
                     range + ")");
    return std::nullopt;
  }
  long long v =
      j->is_number_float() ? static_cast<long long>(j->get<double>()) : j->get<long long>();
  if (v < min || v > max) {
    problem(key, std::to_string(v) + " is out of range (expected " + range + ")");
    return std::nullopt;
  }
  return v;
}

long long ObjectReader::integer_or(const std::string& key, long long min, long long max,
                                   long long fallback) {
  auto v = integer(key, min, max);
  return v ? *v : fallback;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string in_quotes(const std::string& s) {
  return "\"" + s + "\"";
}

std::optional<double> ObjectReader::number(const std::string& key, double min, double max,
                                           bool required) {
  std::string range = "a number from " + number_text(min) + " to " + number_text(max);
  const Json* j = find(key, required, range.c_str());
  if (!j) return std::nullopt;
  if (!j->is_number() || !std::isfinite(j->get<double>())) {
    problem(key, "is " + json_type_name(*j) + " (expected " + range + ")");
    return std::nullopt;
  }
  double v = j->get<double>();
  if (v < min || v > max) {
    problem(key, number_text(v) + " is out of range (expected " + range + ")");
    return std::nullopt;
  }
  return v;
}

double ObjectReader::number_or(const std::string& key, double min, double max, double fallback) {
  auto v = number(key, min, max);
  return v ? *v : fallback;
}

std::optional<double> ObjectReader::duration(const std::string& key, bool required,
                                             bool allow_zero) {
  const char* expected = "a duration such as \"30s\"";
  const Json* j = find(key, required, expected);
  if (!j) return std::nullopt;
  if (!j->is_string()) {
    problem(key, "is " + json_type_name(*j) + " (expected " + expected + ")");
    return std::nullopt;
  }
  core::Parsed p = core::parse_duration(j->get<std::string>());
  if (!p.error.empty()) {
    problem(key, p.error);
    return std::nullopt;
  }
  if (p.value < 0 || (p.value == 0 && !allow_zero) || p.value > 1e9) {
    problem(key, "\"" + j->get<std::string>() + "\" is out of range (expected a duration " +
                     (allow_zero ? "of at least 0" : "greater than 0") + " and under 30 years)");
    return std::nullopt;
  }
  return p.value;
}

double ObjectReader::duration_or(const std::string& key, double fallback, bool allow_zero) {
  auto v = duration(key, false, allow_zero);
  return v ? *v : fallback;
}

std::optional<double> ObjectReader::size(const std::string& key, bool required) {
  const char* expected = "a size such as \"3GiB\"";
  const Json* j = find(key, required, expected);
  if (!j) return std::nullopt;
  if (!j->is_string()) {
    problem(key, "is " + json_type_name(*j) + " (expected " + expected + ")");
    return std::nullopt;
  }
  core::Parsed p = core::parse_size(j->get<std::string>());
  if (!p.error.empty()) {
    problem(key, p.error);
    return std::nullopt;
  }
  if (p.value <= 0 || p.value > 1e18) {
    problem(key,
            "\"" + j->get<std::string>() + "\" is out of range (expected a size greater than 0)");
    return std::nullopt;
  }
  return p.value;
}

std::optional<double> ObjectReader::fraction(const std::string& key, bool required) {
  const char* expected = "a fraction from 0 to 1 such as 0.7 or \"70%\"";
  const Json* j = find(key, required, expected);
  if (!j) return std::nullopt;
  double v = 0;
  if (j->is_number() && std::isfinite(j->get<double>())) {
    v = j->get<double>();
  } else if (j->is_string()) {
    core::Parsed p = core::parse_percent(j->get<std::string>());
    if (!p.error.empty()) {
      problem(key, p.error);
      return std::nullopt;
    }
    v = p.value;
  } else {
    problem(key, "is " + json_type_name(*j) + " (expected " + expected + ")");
    return std::nullopt;
  }
  if (v < 0 || v > 1) {
    problem(key, number_text(v) + " is out of range (expected " + expected + ")");
    return std::nullopt;
  }
  return v;
}

double ObjectReader::fraction_or(const std::string& key, double fallback) {
  auto v = fraction(key);
  return v ? *v : fallback;
}

bool expect_array(const Json& j, const std::string& pointer, ReadContext& ctx,
                  const char* expected) {
  if (j.is_array()) return true;
  ctx.problem(pointer, "is " + json_type_name(j) + " (expected " + expected + ")");
  return false;
}

std::optional<Json> load_json_file(const std::string& path, ReadContext& ctx) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    ctx.problem("", "cannot read file: no such file");
    return std::nullopt;
  }
  if (fs::is_directory(path, ec)) {
    ctx.problem("", "is a directory (expected a JSON file)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.problem("", "cannot read file: permission denied or unreadable");
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    ctx.problem("", "file is empty (expected a JSON object)");
    return std::nullopt;
  }
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    // parse errors carry line and column; number overflow ("1e999") is an out_of_range error
    std::string what = e.what();
    auto cut = what.find("] ");
    if (cut != std::string::npos) what = what.substr(cut + 2);
    ctx.problem("", "malformed JSON: " + what);
    return std::nullopt;
  }
}

}  // namespace capsim::config
