#include "models/common.hpp"

#include <fmt/format.h>

namespace capsim::models {

std::string fmt_seconds(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f} ms", seconds * 1000);
  return fmt::format("{:.3g} s", seconds);
}

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace capsim::models
