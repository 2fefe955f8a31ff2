// The planner's fast model: per tier, the utilisation the Utilisation Law gives (U = X x D / c,
// with each visit's mean demand taken from the topology's call trees) and the queueing delay of
// an M/M/c (Erlang C) station with that many servers; whether the tier survives losing one
// instance (N+1). Microseconds per candidate, so it can rank thousands; the discrete-event
// simulation then confirms the few it picks. The walk over the call trees is here; what a visit
// costs and how a tier behaves is each kind's (models/analytic.hpp).
#pragma once

#include <vector>

#include "config/topology.hpp"
#include "models/analytic.hpp"

namespace capsim::plan {

using models::kFailureCeiling;
using models::TierPrediction;

struct Prediction {
  std::vector<TierPrediction> tiers;  // one per component
  double latency = 0;                 // mean response over classes, no queueing plus the waits
};

Prediction predict(const config::Topology& t, double rps);

}  // namespace capsim::plan
