#include "models/analytic.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/queueing.hpp"

namespace capsim::models {

int vcpus_of(const config::Component& c, int fallback) {
  return c.vcpus > 0 ? c.vcpus : fallback;
}

double erlang_wait(double rate, double service, int servers) {
  if (rate <= 0 || service <= 0) return 0;
  auto m = core::mmc_metrics(rate, 1 / service, servers);
  return m.mean_wait;
}

void stateless_tier(TierPrediction& tp, const config::Component& c, int n, double capacity_each,
                    double load, const char* resource) {
  const double inf = std::numeric_limits<double>::infinity();
  tp.resource = resource;
  tp.utilisation = n > 0 ? load / (n * capacity_each) : inf;
  double after = n > 1 ? load / ((n - 1) * capacity_each) : inf;
  tp.survives_loss = after < kFailureCeiling;
  tp.loss_note = n <= 1 ? fmt::format("a single {} is a single point of failure", c.kind)
                        : fmt::format("{:.0f}% on the {} survivors", 100 * after, n - 1);
}

}  // namespace capsim::models
