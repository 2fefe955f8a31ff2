// Reading a run directory's JSON and CSV files with diagnostics: a missing or mistyped value is a
// core::InputError naming the file, the JSON pointer (or the CSV line) and what was expected, in
// the format every capsim command prints ("file: /pointer: message"). output/run_files.cpp reads
// each file of a run with these.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <istream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace capsim::output {

[[noreturn]] void throw_input_error(const std::string& file, const std::string& pointer,
                                    const std::string& message);

// ---- JSON -----------------------------------------------------------------------------------

// A value in one of the run's JSON files and where it is. `value` is nullptr where the file has
// nothing: below a value that is not an object (or array), or a key (or index) it does not have.
struct JsonIn {
  const std::string& file;
  std::string pointer;  // RFC 6901; "" for the whole document
  const nlohmann::json* value = nullptr;

  JsonIn operator[](const std::string& key) const;
  JsonIn operator[](std::size_t index) const;
  bool absent() const { return value == nullptr; }
  bool absent_or_null() const { return !value || value->is_null(); }
};

// The value if it is of the type `is` tests; else an InputError: "missing (expected ...)" or
// "is a string (expected ...)".
const nlohmann::json& checked(const JsonIn& in, bool (*is)(const nlohmann::json&),
                              const std::string& expected);

// Required values.
double number(const JsonIn& in, const std::string& expected = "a number");
std::string text(const JsonIn& in);
// Where the file may leave a value out (or give null): nullopt, "" or false.
std::optional<double> maybe_number(const JsonIn& in);
std::string maybe_text(const JsonIn& in);
bool flag(const JsonIn& in);  // null is an error, as with every other type

// A whole number that fits Int (a count, a seed, replicas): "is 2.5 (expected a whole number from
// 0 to ...)" otherwise.
template <class Int>
Int integer(const JsonIn& in, const std::string& expected = "a number");
template <class Int>
std::optional<Int> maybe_integer(const JsonIn& in) {
  if (in.absent_or_null()) return std::nullopt;
  return integer<Int>(in);
}

// The usual nlohmann hook, for the element types of the lists below.
void from_json(const JsonIn& in, double& v);
void from_json(const JsonIn& in, std::string& s);

// A list of values, each read by from_json(JsonIn, T&): required, or empty where absent.
template <class T>
std::vector<T> list(const JsonIn& in);
template <class T>
std::vector<T> maybe_list(const JsonIn& in) {
  return in.absent() ? std::vector<T>() : list<T>(in);
}
// {"key": T, ...} read by from_json; empty where absent.
template <class T>
std::map<std::string, T> maybe_map(const JsonIn& in);
// {"cause": count, ...}; empty where absent.
template <class Count>
std::map<std::string, Count> maybe_counts(const JsonIn& in);

// ---- CSV ------------------------------------------------------------------------------------

// A CSV file of the run: its header's columns, then its rows with their line numbers (blank lines
// left out). A field may be double-quoted, with "" for a quote inside.
struct CsvTable {
  struct Row {
    std::size_t line = 0;
    std::vector<std::string> fields;
  };
  std::string file;
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// Reads `in`: every column of `required` must be in the header and every row as long as it.
CsvTable parse_csv(const std::string& file, std::istream& in,
                   const std::vector<std::string>& required);

// A CSV field as written: quoted, a quote inside doubled.
std::string csv_quoted(const std::string& field);

// One row of a CsvTable, its fields read by column name.
struct CsvRowIn {
  const CsvTable& table;
  const CsvTable::Row& row;

  bool has(const std::string& column) const;
  std::string text(const std::string& column) const;  // "" where the file has no such column
  double number(const std::string& column) const;     // finite
  template <class Int>
  Int integer(const std::string& column) const;

 private:
  std::string field(const std::string& column) const;
};

// ---- Template definitions -------------------------------------------------------------------

// v as an Int, where it is a whole number in Int's range.
template <class Int>
std::optional<Int> whole(double v) {
  constexpr int bits = std::numeric_limits<Int>::digits;
  double lowest = std::numeric_limits<Int>::is_signed ? -std::ldexp(1.0, bits) : 0.0;
  if (!std::isfinite(v) || v != std::floor(v) || v < lowest || v >= std::ldexp(1.0, bits))
    return std::nullopt;
  return static_cast<Int>(v);
}

template <class Int>
std::string whole_range() {
  return "a whole number from " + std::to_string(std::numeric_limits<Int>::min()) + " to " +
         std::to_string(std::numeric_limits<Int>::max());
}

template <class Int>
Int integer(const JsonIn& in, const std::string& expected) {
  const nlohmann::json& v = checked(
      in, [](const nlohmann::json& j) { return j.is_number(); }, expected);
  // Integers are taken as they are (a double cannot hold every 64-bit seed).
  if (v.is_number_unsigned()) {
    auto u = v.get<unsigned long long>();
    if (u <= static_cast<unsigned long long>(std::numeric_limits<Int>::max()))
      return static_cast<Int>(u);
  } else if (v.is_number_integer()) {
    auto i = v.get<long long>();
    if (i >= static_cast<long long>(std::numeric_limits<Int>::min()) &&
        (i < 0 || static_cast<unsigned long long>(i) <=
                      static_cast<unsigned long long>(std::numeric_limits<Int>::max())))
      return static_cast<Int>(i);
  } else if (auto w = whole<Int>(v.get<double>())) {
    return *w;
  }
  throw_input_error(in.file, in.pointer,
                    "is " + v.dump() + " (expected " + whole_range<Int>() + ")");
}

template <class T>
std::vector<T> list(const JsonIn& in) {
  const nlohmann::json& array = checked(
      in, [](const nlohmann::json& j) { return j.is_array(); }, "an array");
  std::vector<T> out(array.size());
  for (std::size_t i = 0; i < out.size(); ++i) from_json(in[i], out[i]);
  return out;
}

template <class T>
std::map<std::string, T> maybe_map(const JsonIn& in) {
  std::map<std::string, T> out;
  if (in.absent()) return out;
  const nlohmann::json& object = checked(
      in, [](const nlohmann::json& j) { return j.is_object(); }, "an object");
  for (const auto& [key, v] : object.items()) from_json(in[key], out[key]);
  return out;
}

template <class Count>
std::map<std::string, Count> maybe_counts(const JsonIn& in) {
  std::map<std::string, Count> out;
  if (in.absent()) return out;
  const nlohmann::json& object = checked(
      in, [](const nlohmann::json& j) { return j.is_object(); }, "an object");
  for (const auto& [key, v] : object.items()) {
    if constexpr (std::is_floating_point_v<Count>)
      out[key] = number(in[key], "a count");
    else
      out[key] = integer<Count>(in[key], "a count");
  }
  return out;
}

template <class Int>
Int CsvRowIn::integer(const std::string& column) const {
  // Digits as they are (a double cannot hold every 64-bit count), else any number that is whole.
  std::string s = field(column);
  Int v{};
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (error == std::errc() && end == s.data() + s.size()) return v;
  if (auto w = whole<Int>(number(column))) return *w;
  throw_input_error(table.file, "",
                    "line " + std::to_string(row.line) + ": \"" + field(column) + "\" in column " +
                        column + " is not a whole number (expected " + whole_range<Int>() + ")");
}

}  // namespace capsim::output
