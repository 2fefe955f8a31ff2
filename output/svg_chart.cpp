#include "output/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace capsim::output::svg {
namespace {

// Tableau 10: distinguishable, and readable for the common colour blindnesses.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr double kWidth = 640, kLeft = 64, kRight = 20, kTop = 42, kPlotHeight = 220;
constexpr double kCharWidth = 6.2;  // of the 11px sans-serif labels, for laying out the legend

const char* colour(std::size_t i) {
  return kPalette[i % std::size(kPalette)];
}

const char* marker_colour(const std::string& kind) {
  if (kind == "fault") return "#d62728";
  if (kind == "detection") return "#ff7f0e";
  if (kind == "recovery") return "#2ca02c";
  return "#7f7f7f";
}

std::string num(double v) {
  return fmt::format("{:.1f}", v);
}

// The plot area and its mapping from data to pixels.
struct Frame {
  double left = kLeft, top = kTop, width = kWidth - kLeft - kRight, height = kPlotHeight;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  bool log_x = false;
  double px(double x) const {
    double f = log_x ? (std::log10(x) - x_lo) / (x_hi - x_lo) : (x - x_lo) / (x_hi - x_lo);
    return left + f * width;
  }
  double py(double y) const { return top + height - (y - y_lo) / (y_hi - y_lo) * height; }
  double bottom() const { return top + height; }
};

struct LegendItem {
  std::string name, colour;
  bool dashed = false, box = false;
};

std::string open_svg(double height, const std::string& title) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<title>{2}</title>\n"
      "<text class=\"chart-title\" x=\"{3}\" y=\"20\" font-size=\"14\" "
      "font-weight=\"bold\">{2}</text>\n",
      kWidth, num(height), escape(title), kLeft);
}

// The y axis with its grid, ticks and label, and the x axis line.
std::string y_axis(const Frame& f, const std::vector<double>& ticks, const std::string& label) {
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  std::string out = "<g class=\"axis y-axis\">\n";
  for (double t : ticks) {
    double y = f.py(t);
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>"
        "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        num(f.left), num(f.left + f.width), num(y), num(f.left - 6), num(y + 4),
        tick_label(t, step));
  }
  out += fmt::format(
      "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>"
      "<line x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#333\"/>\n"
      "<text class=\"axis-label\" transform=\"translate(14 {4}) rotate(-90)\" "
      "text-anchor=\"middle\">{5}</text>\n</g>\n",
      num(f.left), num(f.top), num(f.bottom()), num(f.left + f.width), num(f.top + f.height / 2),
      escape(label));
  return out;
}

std::string threshold_line(const Frame& f, const Threshold& t) {
  double y = f.py(t.y);
  return fmt::format(
      "<g class=\"threshold\"><line data-threshold=\"{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" "
      "y2=\"{3}\" stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
      "<text x=\"{2}\" y=\"{4}\" text-anchor=\"end\" fill=\"#d62728\">{5}</text></g>\n",
      t.y, num(f.left), num(f.left + f.width), num(y), num(y - 4), escape(t.label));
}

double legend_height(const std::vector<LegendItem>& items) {
  double x = kLeft, rows = items.empty() ? 0 : 1;
  for (const auto& item : items) {
    double w = 26 + kCharWidth * static_cast<double>(item.name.size()) + 14;
    if (x + w > kWidth - kRight && x > kLeft) {
      ++rows;
      x = kLeft;
    }
    x += w;
  }
  return rows * 16;
}

std::string legend(const std::vector<LegendItem>& items, double top) {
  std::string out = "<g class=\"legend\">\n";
  double x = kLeft, y = top + 8;
  for (const auto& item : items) {
    double w = 26 + kCharWidth * static_cast<double>(item.name.size()) + 14;
    if (x + w > kWidth - kRight && x > kLeft) {
      y += 16;
      x = kLeft;
    }
    if (item.box)
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"10\" fill=\"{}\"/>", num(x),
                         num(y - 5), item.colour);
    else
      out += fmt::format(
          "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" "
          "stroke-width=\"2\"{4}/>",
          num(x), num(x + 18), num(y), item.colour, item.dashed ? " stroke-dasharray=\"5 3\"" : "");
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", num(x + 24), num(y + 4),
                       escape(item.name));
    x += w;
  }
  return out + "</g>\n";
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1);
  double raw = (hi - lo) / std::max(1, target);
  // The step is m x 10^e with m 1, 2, 5 or 10; ticks are k x m scaled by 10^e, so that 0.3 is 0.3.
  double e = std::floor(std::log10(raw)), m = 10;
  for (double candidate : {1.0, 2.0, 5.0})
    if (candidate * std::pow(10, e) >= raw * (1 - 1e-9)) {
      m = candidate;
      break;
    }
  double scale = std::pow(10, std::abs(e));
  auto tick = [&](double k) { return e < 0 ? k * m / scale : k * m * scale; };
  double step = tick(1);
  std::vector<double> ticks;
  double first = std::floor(lo / step + 1e-9);
  for (int i = 0; i < 1000; ++i) {
    double v = tick(first + i);
    if (v == 0) v = 0;  // no -0
    ticks.push_back(v);
    if (v >= hi - step * 1e-9) break;
  }
  return ticks;
}

std::string tick_label(double value, double step) {
  int decimals = step >= 1 || step <= 0 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", value, decimals);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string line_chart(const LineChart& c) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double x_lo = inf, x_hi = -inf, y_lo = 0, y_hi = -inf;
  for (const auto& s : c.series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (c.log_x && s.x[i] <= 0)) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  for (const auto& m : c.markers) {
    x_lo = std::min(x_lo, m.x);
    x_hi = std::max(x_hi, m.x);
  }
  if (c.threshold) y_hi = std::max(y_hi, c.threshold->y);
  if (!(x_hi >= x_lo)) x_lo = c.log_x ? 1 : 0, x_hi = c.log_x ? 10 : 1;
  if (x_hi == x_lo) x_lo -= c.log_x ? x_lo * 0.5 : 1, x_hi += c.log_x ? x_hi : 1;
  if (!(y_hi > y_lo)) y_hi = y_lo + 1;

  Frame f;
  f.log_x = c.log_x;
  std::vector<double> y_ticks = nice_ticks(y_lo, y_hi);
  f.y_lo = y_ticks.front();
  f.y_hi = y_ticks.back();
  std::vector<std::pair<double, std::string>> x_ticks;
  if (c.log_x) {
    f.x_lo = std::floor(std::log10(x_lo));
    f.x_hi = std::max(std::ceil(std::log10(x_hi)), f.x_lo + 1);
    for (double e = f.x_lo; e <= f.x_hi; ++e)
      x_ticks.emplace_back(std::pow(10, e), fmt::format("{:g}", std::pow(10, e)));
  } else {
    if (x_lo > 0) x_lo = 0;  // time from the start of the window, counts from zero
    f.x_lo = x_lo;
    f.x_hi = x_hi;
    std::vector<double> t = nice_ticks(x_lo, x_hi, 8);
    double step = t.size() > 1 ? t[1] - t[0] : 1;
    for (double v : t)
      if (v >= x_lo - step * 1e-6 && v <= x_hi + step * 1e-6)
        x_ticks.emplace_back(v, tick_label(v, step));
  }

  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < c.series.size(); ++i)
    items.push_back({c.series[i].name, colour(i), c.series[i].dashed, false});
  if (c.threshold) items.push_back({c.threshold->label, "#d62728", true, false});
  double legend_top = f.bottom() + 44;
  std::string out = open_svg(legend_top + legend_height(items) + 6, c.title);
  out += y_axis(f, y_ticks, c.y_label);
  out += "<g class=\"axis x-axis\">\n";
  for (const auto& [v, label] : x_ticks) {
    double x = f.px(v);
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>"
        "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        num(x), num(f.bottom()), num(f.bottom() + 5), num(f.bottom() + 17), escape(label));
  }
  out += fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</g>\n",
      num(f.left + f.width / 2), num(f.bottom() + 34), escape(c.x_label));
  if (c.threshold) out += threshold_line(f, *c.threshold);

  out += "<g class=\"series\">\n";
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    std::string points;
    int n = 0;
    double last_x = 0, last_y = 0;
    for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k]) || (c.log_x && s.x[k] <= 0)) continue;
      last_x = f.px(s.x[k]);
      last_y = f.py(s.y[k]);
      points += (n++ ? " " : "") + num(last_x) + "," + num(last_y);
    }
    if (n == 1)  // a single sample is a dot: a one-point polyline draws nothing
      out += fmt::format("<circle data-series=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>\n",
                         escape(s.name), num(last_x), num(last_y), colour(i));
    else
      out += fmt::format(
          "<polyline data-series=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"1.8\" stroke-linejoin=\"round\"{}><title>{}</title></polyline>\n",
          escape(s.name), points, colour(i), s.dashed ? " stroke-dasharray=\"5 3\"" : "",
          escape(s.name));
  }
  out += "</g>\n";

  if (!c.markers.empty()) {
    out += "<g class=\"markers\">\n";
    for (std::size_t i = 0; i < c.markers.size(); ++i) {
      const Marker& m = c.markers[i];
      double x = f.px(m.x);
      bool right = x > f.left + f.width - 90;
      out += fmt::format(
          "<line data-marker=\"{0}\" data-x=\"{1}\" x1=\"{2}\" x2=\"{2}\" y1=\"{3}\" y2=\"{4}\" "
          "stroke=\"{5}\" stroke-width=\"1.5\"/><text x=\"{6}\" y=\"{7}\" text-anchor=\"{8}\" "
          "fill=\"{5}\">{9}</text>\n",
          escape(m.kind), m.x, num(x), num(f.top), num(f.bottom()), marker_colour(m.kind),
          num(right ? x - 3 : x + 3), num(f.top + 10 + static_cast<double>(i % 3) * 12),
          right ? "end" : "start", escape(m.label));
    }
    out += "</g>\n";
  }
  out += legend(items, legend_top);
  return out + "</svg>\n";
}

std::string bar_chart(const BarChart& c) {
  std::size_t n = c.categories.size();
  std::vector<double> totals(n, 0);
  for (const auto& s : c.series)
    for (std::size_t i = 0; i < n && i < s.y.size(); ++i)
      if (std::isfinite(s.y[i]) && s.y[i] > 0) totals[i] += s.y[i];
  double y_hi = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  if (c.threshold) y_hi = std::max(y_hi, c.threshold->y);
  Frame f;
  std::vector<double> y_ticks = nice_ticks(0, y_hi > 0 ? y_hi : 1);
  f.y_lo = 0;
  f.y_hi = y_ticks.back();

  double band = f.width / static_cast<double>(std::max<std::size_t>(n, 1));
  std::size_t longest = 0;
  for (const auto& cat : c.categories) longest = std::max(longest, cat.size());
  bool slanted = kCharWidth * static_cast<double>(longest) + 6 > band;
  double labels_height = slanted ? 0.6 * kCharWidth * static_cast<double>(longest) + 18 : 22;

  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < c.series.size(); ++i)
    items.push_back({c.series[i].name, colour(i), false, true});
  if (c.threshold) items.push_back({c.threshold->label, "#d62728", true, false});
  double legend_top = f.bottom() + labels_height + 10;
  std::string out = open_svg(legend_top + legend_height(items) + 6, c.title);
  out += y_axis(f, y_ticks, c.y_label);

  out += "<g class=\"axis x-axis\">\n";
  for (std::size_t i = 0; i < n; ++i) {
    double x = f.left + band * (static_cast<double>(i) + 0.5);
    if (slanted)
      out += fmt::format(
          "<text transform=\"translate({} {}) rotate(-35)\" text-anchor=\"end\">{}</text>\n",
          num(x + 3), num(f.bottom() + 12), escape(c.categories[i]));
    else
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(x),
                         num(f.bottom() + 16), escape(c.categories[i]));
  }
  out += "</g>\n<g class=\"series\">\n";
  double bar = std::min(band * 0.7, 56.0);
  std::vector<double> base(n, 0);
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    const Series& s = c.series[k];
    for (std::size_t i = 0; i < n && i < s.y.size(); ++i) {
      double v = std::isfinite(s.y[i]) && s.y[i] > 0 ? s.y[i] : 0;
      double top = f.py(base[i] + v), bottom = f.py(base[i]);
      out += fmt::format(
          "<rect data-series=\"{0}\" data-category=\"{1}\" data-value=\"{2}\" x=\"{3}\" "
          "y=\"{4}\" width=\"{5}\" height=\"{6}\" fill=\"{7}\"><title>{1}: {0} {2:.4g}</title>"
          "</rect>\n",
          escape(s.name), escape(c.categories[i]), v,
          num(f.left + band * (static_cast<double>(i) + 0.5) - bar / 2), num(top), num(bar),
          num(bottom - top), colour(k));
      base[i] += v;
    }
  }
  out += "</g>\n";
  if (c.threshold) out += threshold_line(f, *c.threshold);
  out += legend(items, legend_top);
  return out + "</svg>\n";
}

}  // namespace capsim::output::svg
