#include "sim/stats.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::sim {
namespace {
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

}  // namespace capsim::sim
