// The planner's fast model, the part each kind contributes: what one visit costs the component
// (and what it passes on), and the tier's utilisation, wait and survival of one loss at a load.
// plan/analytic.cpp walks the call trees and asks each kind; the simulation then confirms.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/topology.hpp"

namespace capsim::models {

// Survivors of a single loss must stay below this, so that queues drain and the SLO recovers
// (assumed; the drills confirm it).
inline constexpr double kFailureCeiling = 0.9;

// Per arriving request (classes weighted by share), per component: visits, CPU seconds,
// slot-seconds held (app workers for the whole call, PgBouncer server connections for a query, job
// slots for a job), and database read and write seconds.
struct Demands {
  std::vector<double> visits, cpu, held, reads, writes;
};

// One call, as the walk reaches its target.
struct AnalyticVisit {
  const config::Topology& topology;
  const config::Call& call;
  int component;      // the call's target
  double p;           // calls per arriving request
  double demand, io;  // the call's mean demand and io wait
  bool write;         // a database write or a mutating op
  double& hit;        // the hit ratio its on_miss sees: a cache may lower it (eviction)
  double& own;        // the call's latency without queueing, accumulated
  Demands& d;
  // Walks nested calls (a job's) with weight p; returns their latency without queueing.
  std::function<double(const std::vector<config::Call>& calls, double p)> walk;
  // What one command costs component `i` (a broker's), as its kind says; 0 if it says nothing.
  std::function<double(int component)> command_cost;
};

// The tier's load at the predicted rate.
struct TierLoad {
  const config::Topology& topology;
  int component;
  double rps;
  double cpu, held, visits;  // per second: CPU seconds, slot-seconds held, visits
  const Demands& d;          // per arriving request
};

struct TierPrediction {
  int component = -1;
  double utilisation = 0;  // the busiest resource
  std::string resource;    // "CPU", "workers", "command thread", "replica CPU", "pool", "slots"
  double wait = 0;         // Erlang C mean wait of a visit, seconds (inf when saturated)
  bool survives_loss = true;
  std::string loss_note;  // after losing one instance (or the role's failover)
};

struct Analytic {
  // Adds a visit's demands; empty: the call's demand is CPU here, its io a wait.
  std::function<void(AnalyticVisit&)> visit;
  // A component in front of another (nginx): its CPU per request it passes on.
  std::function<double(const config::Component&)> proxy_cpu;
  // A broker: the cost of the one command an enqueue sends it.
  std::function<double(const config::Component&)> command_cost;
  // The tier at its load: utilisation, wait, survival of one loss.
  std::function<void(const config::Component&, const TierLoad&, TierPrediction&)> predict;
  // Its workers are held for the whole call, nested calls included (an app's).
  bool holds_workers = false;
};

// The component's vCPUs, or `fallback` when unknown.
int vcpus_of(const config::Component& c, int fallback);
// Erlang C wait of a visit at a c-server station fed `rate` visits/s of `service` seconds each.
double erlang_wait(double rate, double service, int servers);
// A tier of `n` interchangeable instances of `capacity_each`, carrying `load`: its utilisation,
// and what losing one leaves to the n - 1 others.
void stateless_tier(TierPrediction& tp, const config::Component& c, int n, double capacity_each,
                    double load, const char* resource);

}  // namespace capsim::models
