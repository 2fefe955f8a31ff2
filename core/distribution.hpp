// A service-demand distribution as written in the inputs. Sampling lives in sim/.
#pragma once

#include <utility>
#include <vector>

namespace capsim::core {

enum class DistKind { Const, Exp, LogNormal, Uniform, Empirical };

struct Distribution {
  DistKind kind = DistKind::Const;
  double mean = 0;          // seconds (or whatever unit the field uses); for uniform, (min+max)/2
  double cv = 0;            // coefficient of variation, lognormal only
  double min = 0, max = 0;  // uniform only
  // empirical: (probability, value) points of the CDF, strictly increasing in both, last p = 1
  std::vector<std::pair<double, double>> percentiles;

  static Distribution constant(double v) { return {DistKind::Const, v, 0, v, v, {}}; }
  static Distribution exponential(double m) { return {DistKind::Exp, m, 1, 0, 0, {}}; }
  double squared_cv() const;  // for M/G/1 formulas
};

}  // namespace capsim::core
