#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace capsim::core {
namespace {

// Splits "12.5ms" into 12.5 and "ms"; rejects empty, signless garbage and non-finite numbers.
bool split_number(const std::string& text, double& number, std::string& unit) {
  // Plain decimals only ("12", "0.5", "-3"), as the schemas' patterns say: no exponents, hex,
  // leading dots or spaces, which strtod alone would take.
  std::size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  std::size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits) return false;
  if (i < text.size() && text[i] == '.') {
    std::size_t frac = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == frac) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E' || text[i] == 'x')) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number)) return false;
  if (static_cast<std::size_t>(end - begin) != i) return false;
  unit.assign(end);
  return true;
}

Parsed with_units(const std::string& text, const std::vector<std::pair<std::string, double>>& units,
                  const char* what, const char* examples) {
  double number = 0;
  std::string unit;
  if (!split_number(text, number, unit))
    return {0, "\"" + text + "\" is not a " + what + " (expected a number with a unit, e.g. " +
                   examples + ")"};
  for (const auto& [name, scale] : units)
    if (unit == name) return {number * scale, ""};
  std::string known;
  for (const auto& [name, scale] : units) known += (known.empty() ? "" : ", ") + name;
  return {0, "\"" + text + "\" has " +
                 (unit.empty() ? std::string("no unit") : "unknown unit \"" + unit + "\"") +
                 " (expected one of " + known + ")"};
}

}  // namespace

Parsed parse_duration(const std::string& text) {
  static const std::vector<std::pair<std::string, double>> units = {
      {"ns", 1e-9}, {"us", 1e-6},  {"ms", 1e-3},  {"s", 1.0},
      {"m", 60.0},  {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  return with_units(text, units, "duration", "\"250us\", \"4ms\", \"30s\", \"15m\"");
}

Parsed parse_size(const std::string& text) {
  static const std::vector<std::pair<std::string, double>> units = {
      {"B", 1.0},         {"KB", 1e3},           {"MB", 1e6},
      {"GB", 1e9},        {"TB", 1e12},          {"KiB", 1024.0},
      {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  return with_units(text, units, "size", "\"512MiB\", \"3GiB\"");
}

Parsed parse_percent(const std::string& text) {
  double number = 0;
  std::string unit;
  if (!split_number(text, number, unit) || (unit != "%" && !unit.empty()))
    return {0, "\"" + text + "\" is not a percentage (expected e.g. \"2%\")"};
  return {unit == "%" ? number / 100.0 : number, ""};
}

std::optional<int> parse_month(const std::string& text) {
  int year = 0, month = 0;
  char tail = 0;
  if (text.size() != 7 || std::sscanf(text.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2)
    return std::nullopt;
  if (text[4] != '-' || month < 1 || month > 12 || year < 1970 || year > 9999) return std::nullopt;
  return year * 12 + (month - 1);
}

std::string format_month(int month_index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month_index / 12, month_index % 12 + 1);
  return buf;
}

std::string format_duration(double seconds) {
  char buf[32];
  if (!std::isfinite(seconds)) return "-";
  if (seconds < 1e-3)
    std::snprintf(buf, sizeof buf, "%.0fus", seconds * 1e6);
  else if (seconds < 1.0)
    std::snprintf(buf, sizeof buf, "%.2fms", seconds * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2fs", seconds);
  return buf;
}

}  // namespace capsim::core
