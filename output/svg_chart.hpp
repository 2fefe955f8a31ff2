// Small SVG charts for the HTML report: a line chart and a (stacked) bar chart, each a plain
// function from data to one <svg> element with a title, axes with ticks and labels, and a legend.
// Every data series is drawn as elements carrying a data-series attribute (a <polyline> per line,
// a <rect> per bar), so that tests and readers can find them. No script, no external resource.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::output::svg {

struct Series {
  std::string name;
  std::vector<double> x, y;  // line chart: the points; bar chart: y holds one value per category
  bool dashed = false;
};

// A vertical line across a line chart at x, labelled at its top (a drill's fault, recovery...).
struct Marker {
  double x = 0;
  std::string label;
  std::string kind;  // "fault", "detection", "recovery" or anything else (grey)
};

// A horizontal reference line (the utilisation headroom, an SLO target).
struct Threshold {
  double y = 0;
  std::string label;
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::optional<Threshold> threshold;
  bool log_x = false;  // decades on the x axis (latency distributions); else linear from 0
};

struct BarChart {
  std::string title, y_label;
  std::vector<std::string> categories;
  std::vector<Series> series;  // stacked in this order; y[i] belongs to categories[i]
  std::optional<Threshold> threshold;
};

std::string line_chart(const LineChart& chart);
std::string bar_chart(const BarChart& chart);

// Round tick values (1, 2 or 5 x 10^k apart), about `target` of them, from at or below lo to at or
// above hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);
// A tick label: as many decimals as the spacing between ticks needs.
std::string tick_label(double value, double step);
// Text escaped for HTML and XML, in element content and in quoted attributes.
std::string escape(std::string_view text);

}  // namespace capsim::output::svg
