#include "models/common.hpp"

#include <fmt/format.h>

namespace capsim::models {

std::string fmt_seconds(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f} ms", seconds * 1000);
  return fmt::format("{:.3g} s", seconds);
}

}  // namespace capsim::models
