// How load arrives and grows: a base rate, monthly growth, daily/weekly swings, one-off events and
// the arrival process.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace capsim::config {

struct Growth {
  std::string type = "none";                   // none | compound | linear | points
  double monthly_factor = 1;                   // compound: rate x factor each month
  double monthly_rps = 0;                      // linear: + rps each month
  std::vector<std::pair<int, double>> points;  // points: (month index, mean rps), sorted
};

struct TrafficEvent {
  std::string name;
  int month = 0;           // month index (see parse_month)
  double factor = 1;       // multiplies the rate while it lasts
  double duration = 3600;  // seconds
};

struct ArrivalProcess {
  std::string process = "poisson";  // poisson | mmpp
  // mmpp: a two-state modulated Poisson process; the mean rate is preserved
  double burst_factor = 1;  // rate in the burst state / rate in the calm state
  double mean_burst = 10;   // seconds spent in a burst, on average
  double mean_calm = 60;    // seconds spent calm, on average
};

struct Traffic {
  std::string name;
  std::string file;
  std::string description;
  int start_month = 0;  // month index of the base rate
  int months = 12;      // months of growth after start: periods() is start .. start + months
  double base_rps = 0;  // mean rate over a day in the start month
  Growth growth;
  std::array<double, 24> hourly{};  // daily profile, normalised to mean 1
  std::array<double, 7> weekly{};   // weekly profile, normalised to mean 1
  std::vector<TrafficEvent> events;
  ArrivalProcess arrival;

  // Mean rate of a month (growth only), and its peak (x daily and weekly peak factors, x events).
  // Growth "points" interpolates linearly between (start, base_rps) and the points, and holds the
  // last point's rate after it. See config/traffic_reader.cpp and
  // topologies/schema/traffic.schema.json.
  double mean_rps(int month) const;
  double peak_rps(int month, bool with_events = true) const;
  std::vector<int> periods() const;  // every month of the horizon
};

}  // namespace capsim::config
