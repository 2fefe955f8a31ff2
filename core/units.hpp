// Quantities written with units in the input files: durations ("250us", "4ms", "30s", "15m", "2h",
// "1d") and sizes ("512MiB", "3GiB", "1GB"). Parsing returns an error text rather than throwing so
// the readers can attach it to a JSON pointer.
#pragma once

#include <optional>
#include <string>

namespace capsim::core {

struct Parsed {
  double value = 0;   // seconds for durations, bytes for sizes, a fraction for percentages
  std::string error;  // empty when parsing succeeded
};

Parsed parse_duration(const std::string& text);
Parsed parse_size(const std::string& text);
// "2%" -> 0.02; a plain number is taken as a fraction.
Parsed parse_percent(const std::string& text);
// A month as "YYYY-MM" -> months since 0000-01; nullopt when malformed.
std::optional<int> parse_month(const std::string& text);
std::string format_month(int month_index);

// Human formatting for tables: 0.0042 -> "4.20ms".
std::string format_duration(double seconds);

}  // namespace capsim::core
