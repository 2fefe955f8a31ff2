// The planner's fast model: per tier, the utilisation the Utilisation Law gives (U = X x D / c,
// with each visit's mean demand taken from the topology's call trees) and the queueing delay of
// an M/M/c (Erlang C) station with that many servers; whether the tier survives losing one
// instance (N+1). Microseconds per candidate, so it can rank thousands; the discrete-event
// simulation then confirms the few it picks.
#pragma once

#include <string>
#include <vector>

#include "config/topology.hpp"

namespace capsim::plan {

// Survivors of a single loss must stay below this, so that queues drain and the SLO recovers
// (assumed; the drills confirm it).
inline constexpr double kFailureCeiling = 0.9;

struct TierPrediction {
  int component = -1;
  double utilisation = 0;  // the busiest resource
  std::string resource;    // "CPU", "workers", "command thread", "replica CPU", "pool", "slots"
  double wait = 0;         // Erlang C mean wait of a visit, seconds (inf when saturated)
  bool survives_loss = true;
  std::string loss_note;  // after losing one instance (or the role's failover)
};

struct Prediction {
  std::vector<TierPrediction> tiers;  // one per component
  double latency = 0;                 // mean response over classes, no queueing plus the waits
};

Prediction predict(const config::Topology& t, double rps);

}  // namespace capsim::plan
