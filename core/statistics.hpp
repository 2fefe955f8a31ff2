// Accumulators the models feed: a log-bucketed latency histogram, time-weighted levels (queue
// length, busy servers) and plain counters. All can be reset at the end of the warm-up.
#pragma once

#include <cstdint>
#include <vector>

namespace capsim::core {

// Log-spaced buckets from 1 us to ~3 h with a fixed relative width, so any quantile is known to
// within `precision` of its value (like HdrHistogram). Values below 1 us land in the first bucket.
class Histogram {
 public:
  explicit Histogram(double precision = 0.001);
  void add(double value);
  void merge(const Histogram& other);
  void reset();
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_ / count_ : 0; }
  double max() const { return max_; }
  double quantile(double p) const;  // p in [0, 1]
  // Non-empty buckets as (upper bound, count), for latency.csv.
  std::vector<std::pair<double, std::uint64_t>> buckets() const;
  double precision() const { return precision_; }
  double sum() const { return sum_; }
  // Sparse (bucket index, count) form, to ship a histogram between processes.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> sparse() const;
  void add_sparse(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& counts, double sum,
                  double max);

 private:
  std::size_t index(double value) const;
  double lower(std::size_t i) const;
  double precision_, log_base_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0, max_ = 0;
};

// The time average of a piecewise-constant level (queue length, busy servers).
class TimeWeighted {
 public:
  void set(double now, double level);
  void add(double now, double delta) { set(now, level_ + delta); }
  void reset(double now);
  double level() const { return level_; }
  double mean(double now) const;
  double max() const { return max_; }

 private:
  double level_ = 0, area_ = 0, since_ = 0, start_ = 0, max_ = 0;
};

// ---- confidence intervals for replicated simulation runs ----------------------------------------

// t_{0.975, df}: the critical value of a two-sided 95% Student t interval, accurate to 1e-6.
// degrees_of_freedom >= 1 (n - 1 for n samples); smaller gives NaN.
double student_t_95(int degrees_of_freedom);

// Half-width of the two-sided 95% confidence interval for the mean of the samples,
// t_{0.975, n-1} * s / sqrt(n) with s the sample standard deviation. n < 2 gives NaN.
double confidence_half_width(const std::vector<double>& samples);

}  // namespace capsim::core
