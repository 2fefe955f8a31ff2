#include "output/checked_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/diagnostics.hpp"
#include "config/json_reader.hpp"

namespace capsim::output {

using Json = nlohmann::json;

void throw_input_error(const std::string& file, const std::string& pointer,
                       const std::string& message) {
  core::Diagnostics d;
  d.add(file, pointer, message);
  throw core::InputError(d);
}

// ---- JSON -----------------------------------------------------------------------------------

JsonIn JsonIn::operator[](const std::string& key) const {
  const Json* child = nullptr;
  if (value && value->is_object()) {
    auto it = value->find(key);
    if (it != value->end()) child = &*it;
  }
  return {file, config::child_pointer(pointer, key), child};
}

JsonIn JsonIn::operator[](std::size_t index) const {
  const Json* child =
      value && value->is_array() && index < value->size() ? &(*value)[index] : nullptr;
  return {file, config::child_pointer(pointer, index), child};
}

const Json& checked(const JsonIn& in, bool (*is)(const Json&), const std::string& expected) {
  if (in.absent()) throw_input_error(in.file, in.pointer, "missing (expected " + expected + ")");
  if (!is(*in.value))
    throw_input_error(in.file, in.pointer,
                      "is " + config::json_type_name(*in.value) + " (expected " + expected + ")");
  return *in.value;
}

double number(const JsonIn& in, const std::string& expected) {
  return checked(
             in, [](const Json& j) { return j.is_number(); }, expected)
      .get<double>();
}

std::string text(const JsonIn& in) {
  return checked(
             in, [](const Json& j) { return j.is_string(); }, "a string")
      .get<std::string>();
}

std::optional<double> maybe_number(const JsonIn& in) {
  if (in.absent_or_null()) return std::nullopt;
  return number(in);
}

std::string maybe_text(const JsonIn& in) {
  return in.absent_or_null() ? std::string() : text(in);
}

bool flag(const JsonIn& in) {
  if (in.absent()) return false;
  return checked(
             in, [](const Json& j) { return j.is_boolean(); }, "true or false")
      .get<bool>();
}

void from_json(const JsonIn& in, double& v) {
  v = number(in);
}

void from_json(const JsonIn& in, std::string& s) {
  s = text(in);
}

// ---- CSV ------------------------------------------------------------------------------------

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        fields.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::size_t column_index(const CsvTable& t, const std::string& name) {
  return static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), name) -
                                  t.columns.begin());
}

}  // namespace

CsvTable parse_csv(const std::string& file, std::istream& in,
                   const std::vector<std::string>& required) {
  CsvTable csv{file, {}, {}};
  std::string all;
  for (const auto& c : required) all += (all.empty() ? "" : ",") + c;
  std::string line;
  if (!std::getline(in, line))
    throw_input_error(file, "", "file is empty (expected a header line " + all + ")");
  csv.columns = split_csv_line(line);
  for (const auto& c : required)
    if (column_index(csv, c) == csv.columns.size())
      throw_input_error(file, "",
                        "line 1: no column \"" + c + "\" (expected the header " + all + ")");
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    csv.rows.push_back({n, split_csv_line(line)});
    if (csv.rows.back().fields.size() < csv.columns.size())
      throw_input_error(file, "",
                        fmt::format("line {}: {} fields (expected {}, as in the header)", n,
                                    csv.rows.back().fields.size(), csv.columns.size()));
  }
  return csv;
}

std::string csv_quoted(const std::string& field) {
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool CsvRowIn::has(const std::string& column) const {
  return column_index(table, column) < table.columns.size();
}

std::string CsvRowIn::field(const std::string& column) const {
  std::size_t i = column_index(table, column);
  return i < table.columns.size() ? row.fields[i] : "";
}

std::string CsvRowIn::text(const std::string& column) const {
  return field(column);
}

double CsvRowIn::number(const std::string& column) const {
  std::string s = field(column);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    throw_input_error(
        table.file, "",
        fmt::format("line {}: \"{}\" in column {} is not a number (expected a number)", row.line, s,
                    has(column) ? column : "?"));
  return v;
}

}  // namespace capsim::output
