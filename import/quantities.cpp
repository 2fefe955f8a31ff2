#include "import/quantities.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace capsim::import {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Splits "512Mi" into its number and suffix; nullopt when it does not start with a number.
std::optional<std::pair<double, std::string>> number_and_suffix(const std::string& text) {
  std::string t = trim(text);
  std::size_t i = 0;
  bool digits = false;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) i++, digits = true;
  if (i < t.size() && t[i] == '.') {
    i++;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) i++, digits = true;
  }
  if (!digits) return std::nullopt;
  return std::make_pair(std::strtod(t.substr(0, i).c_str(), nullptr), t.substr(i));
}

}  // namespace

std::optional<long long> parse_integer(const std::string& text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (i == t.size() || t.size() > 19) return std::nullopt;
  for (std::size_t j = i; j < t.size(); j++)
    if (!std::isdigit(static_cast<unsigned char>(t[j]))) return std::nullopt;
  return std::strtoll(t.c_str(), nullptr, 10);
}

std::optional<double> parse_number(const std::string& text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  // strtod also takes "inf", "nan" and hex: a config value is a plain decimal.
  if (!std::all_of(t.begin(), t.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
               c == 'e' || c == 'E';
      }))
    return std::nullopt;
  return v;
}

std::optional<bool> parse_flag(const std::string& text) {
  std::string t = lower(trim(text));
  if (t == "yes" || t == "true" || t == "on" || t == "1") return true;
  if (t == "no" || t == "false" || t == "off" || t == "0") return false;
  return std::nullopt;
}

std::optional<double> parse_kube_cpu(const std::string& text) {
  auto ns = number_and_suffix(text);
  if (!ns) return std::nullopt;
  if (ns->second.empty()) return ns->first;
  if (ns->second == "m") return ns->first / 1000.0;
  return std::nullopt;
}

std::optional<double> parse_kube_memory(const std::string& text) {
  // Kubernetes resource.Quantity: decimal SI suffixes, binary suffixes, or an exponent.
  auto ns = number_and_suffix(text);
  if (!ns) return std::nullopt;
  const auto& [n, s] = *ns;
  struct Unit {
    const char* suffix;
    double factor;
  };
  static const Unit units[] = {{"", 1},
                               {"k", 1e3},
                               {"M", 1e6},
                               {"G", 1e9},
                               {"T", 1e12},
                               {"P", 1e15},
                               {"E", 1e18},
                               {"Ki", 1024.0},
                               {"Mi", 1024.0 * 1024},
                               {"Gi", 1024.0 * 1024 * 1024},
                               {"Ti", 1024.0 * 1024 * 1024 * 1024},
                               {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024},
                               {"Ei", 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024}};
  for (const auto& u : units)
    if (s == u.suffix) return n * u.factor;
  if ((s[0] == 'e' || s[0] == 'E') && parse_integer(s.substr(1)))
    return n * std::pow(10.0, static_cast<double>(*parse_integer(s.substr(1))));
  return std::nullopt;
}

std::optional<double> parse_docker_memory(const std::string& text) {
  auto ns = number_and_suffix(text);
  if (!ns) return std::nullopt;
  std::string s = lower(trim(ns->second));
  if (s.empty() || s == "b") return ns->first;
  static const std::string letters = "kmgtp";
  auto k = letters.find(s[0]);
  if (k == std::string::npos) return std::nullopt;
  std::string rest = s.substr(1);
  if (!(rest.empty() || rest == "b" || rest == "ib")) return std::nullopt;
  return ns->first * std::pow(1024.0, static_cast<double>(k + 1));
}

std::optional<double> parse_redis_memory(const std::string& text) {
  std::string t = lower(trim(text));
  auto ns = number_and_suffix(t);
  if (!ns || t.find('.') != std::string::npos) return std::nullopt;
  const std::string& s = ns->second;
  if (s.empty()) return ns->first;
  if (s == "k") return ns->first * 1e3;
  if (s == "kb") return ns->first * 1024.0;
  if (s == "m") return ns->first * 1e6;
  if (s == "mb") return ns->first * 1024.0 * 1024;
  if (s == "g") return ns->first * 1e9;
  if (s == "gb") return ns->first * 1024.0 * 1024 * 1024;
  return std::nullopt;
}

std::optional<double> parse_nginx_time(const std::string& text) {
  // nginx accepts one or more number+unit parts, e.g. "1h 30m"; no unit means seconds.
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  if (auto plain = parse_integer(t))
    return *plain >= 0 ? std::optional<double>(*plain) : std::nullopt;
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < t.size()) {
    if (t[i] == ' ') {
      i++;
      continue;
    }
    std::size_t start = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) i++;
    if (start == i) return std::nullopt;
    double n = std::strtod(t.substr(start, i - start).c_str(), nullptr);
    std::size_t ustart = i;
    while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) i++;
    std::string u = t.substr(ustart, i - ustart);
    double f = 0;
    if (u == "ms")
      f = 0.001;
    else if (u == "s")
      f = 1;
    else if (u == "m")
      f = 60;
    else if (u == "h")
      f = 3600;
    else if (u == "d")
      f = 86400;
    else if (u == "w")
      f = 7 * 86400;
    else
      return std::nullopt;
    total += n * f;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

std::string format_number(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9) return fmt::format("{}", std::llround(value));
  return fmt::format("{}", value);
}

std::string format_size(double bytes) {
  const auto whole = static_cast<long long>(std::llround(bytes));
  struct Unit {
    const char* name;
    long long factor;
  };
  static const Unit units[] = {{"TiB", 1LL << 40}, {"GiB", 1LL << 30},      {"MiB", 1LL << 20},
                               {"KiB", 1LL << 10}, {"TB", 1000000000000LL}, {"GB", 1000000000LL},
                               {"MB", 1000000LL},  {"KB", 1000LL}};
  if (whole > 0)
    for (const auto& u : units)
      if (whole % u.factor == 0) return fmt::format("{}{}", whole / u.factor, u.name);
  return fmt::format("{}B", whole);
}

std::string format_duration(double seconds) {
  auto whole = [](double v) { return std::fabs(v - std::round(v)) < 1e-6; };
  if (whole(seconds)) return fmt::format("{}s", std::llround(seconds));
  if (whole(seconds * 1e3)) return fmt::format("{}ms", std::llround(seconds * 1e3));
  if (whole(seconds * 1e6)) return fmt::format("{}us", std::llround(seconds * 1e6));
  return fmt::format("{}ns", std::llround(seconds * 1e9));
}

}  // namespace capsim::import
