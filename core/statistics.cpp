#include "core/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace capsim::core {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinValue = 1e-6;
constexpr double kMaxValue = 1e4;
}  // namespace

Histogram::Histogram(double precision)
    : precision_(precision),
      log_base_(std::log1p(precision)),
      counts_(static_cast<std::size_t>(std::log(kMaxValue / kMinValue) / std::log1p(precision)) +
              2) {}

std::size_t Histogram::index(double value) const {
  if (!(value > kMinValue)) return 0;
  auto i = static_cast<std::size_t>(std::log(value / kMinValue) / log_base_) + 1;
  return std::min(i, counts_.size() - 1);
}

double Histogram::lower(std::size_t i) const {
  return i == 0 ? 0.0 : kMinValue * std::exp(log_base_ * static_cast<double>(i - 1));
}

void Histogram::add(double value) {
  ++counts_[index(value)];
  ++count_;
  sum_ += value;
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < counts_.size() && i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = max_ = 0;
}

double Histogram::quantile(double p) const {
  if (count_ == 0) return 0;
  double rank = p * static_cast<double>(count_);
  double seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    if (seen + counts_[i] >= rank) {
      // interpolate within the bucket, geometrically, as values are log-spread
      double lo = std::max(lower(i), i == 0 ? 0.0 : kMinValue);
      double hi = lower(i + 1);
      double f = (rank - seen) / counts_[i];
      double v = i == 0 ? hi * f : lo * std::pow(hi / lo, f);
      return std::min(v, max_);
    }
    seen += counts_[i];
  }
  return max_;
}

std::vector<std::pair<double, std::uint64_t>> Histogram::buckets() const {
  std::vector<std::pair<double, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) out.emplace_back(lower(i + 1), counts_[i]);
  return out;
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> Histogram::sparse() const {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) out.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  return out;
}

void Histogram::add_sparse(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& counts,
                           double sum, double max) {
  for (const auto& [i, n] : counts) {
    if (i >= counts_.size()) continue;
    counts_[i] += n;
    count_ += n;
  }
  sum_ += sum;
  max_ = std::max(max_, max);
}

void TimeWeighted::set(double now, double level) {
  area_ += level_ * (now - since_);
  since_ = now;
  level_ = level;
  max_ = std::max(max_, level);
}

void TimeWeighted::reset(double now) {
  area_ = 0;
  since_ = start_ = now;
  max_ = level_;
}

double TimeWeighted::mean(double now) const {
  double span = now - start_;
  return span > 0 ? (area_ + level_ * (now - since_)) / span : level_;
}

// --- Confidence intervals ---------------------------------------------------------------------

double student_t_95(int degrees_of_freedom) {
  if (degrees_of_freedom < 1) return kNaN;
  // Tabulated t_{0.975} (to 6 decimals; Abramowitz & Stegun table 26.10) for small df, where the
  // asymptotic series below is not accurate enough.
  static constexpr std::array<double, 30> kTable = {
      12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
      2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
      2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
      2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
  if (degrees_of_freedom <= static_cast<int>(kTable.size())) return kTable[degrees_of_freedom - 1];
  // Cornish-Fisher expansion of the t quantile about the normal one (Abramowitz & Stegun 26.7.5;
  // the series behind Hill's algorithm 396): the terms shrink like df^-k, and truncated after
  // df^-4 the error beyond df = 30 is below 1e-6.
  constexpr double z = 1.959963984540054;  // standard normal 0.975 quantile
  const double z2 = z * z;
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  const double v = degrees_of_freedom;
  return z + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
}

double confidence_half_width(const std::vector<double>& samples) {
  const std::size_t n = samples.size();
  if (n < 2) return kNaN;
  // Two-pass variance: the one-pass sum-of-squares form cancels badly when the mean is large
  // compared with the spread, which is typical of latencies from replicated runs.
  double mean = 0;
  for (double x : samples) mean += x;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double x : samples) ss += (x - mean) * (x - mean);
  const double s = std::sqrt(ss / static_cast<double>(n - 1));
  return student_t_95(static_cast<int>(std::min<std::size_t>(n - 1, 1u << 30))) * s /
         std::sqrt(static_cast<double>(n));
}

}  // namespace capsim::core
