#include "core/distribution.hpp"

namespace capsim::core {

double Distribution::squared_cv() const {
  switch (kind) {
    case DistKind::Const:
      return 0;
    case DistKind::Exp:
      return 1;
    case DistKind::LogNormal:
      return cv * cv;
    case DistKind::Uniform: {
      double w = max - min;
      return mean > 0 ? (w * w / 12) / (mean * mean) : 0;
    }
    case DistKind::Empirical: {
      // second moment of the piecewise-linear CDF (uniform within each segment)
      double m2 = 0;
      for (std::size_t i = 1; i < percentiles.size(); ++i) {
        double p = percentiles[i].first - percentiles[i - 1].first;
        double a = percentiles[i - 1].second, b = percentiles[i].second;
        m2 += p * (a * a + a * b + b * b) / 3;
      }
      return mean > 0 ? m2 / (mean * mean) - 1 : 0;
    }
  }
  return 0;
}

}  // namespace capsim::core
