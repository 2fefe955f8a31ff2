// The `autoscale` block that app and worker_queue components share: the policy read into
// sim/autoscaler.hpp's structs, and what the readers, the graph and the planner ask of it.
#pragma once

#include "config/json_reader.hpp"
#include "sim/autoscaler.hpp"

namespace capsim::models {

// The parent object's "autoscale" key: HPA, step or queue-depth policy (monostate when absent).
sim::Autoscale read_autoscale(config::ObjectReader& parent);
// The most instances a scenario may address: the count as written or the policy's maximum.
int scaled_max(int fixed, const sim::Autoscale& a);
// The fewest instances it can run with: the policy's minimum, or the count as written.
int autoscale_floor(const sim::Autoscale& a, int fixed);
// The plan sizes for the peak: the policy's maximum must let it run `count`.
void widen_autoscale(sim::Autoscale& a, int count);

}  // namespace capsim::models
