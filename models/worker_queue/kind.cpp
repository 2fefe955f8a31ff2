// worker_queue: a BullMQ queue and its workers (models/worker_queue/), registered as a kind.
#include "models/kind.hpp"

#include "models/autoscale_params.hpp"
#include "models/common.hpp"
#include "models/kind_helpers.hpp"
#include "models/worker_queue/params.hpp"

namespace capsim::models {

std::unique_ptr<sim::Component> make_worker_queue(const config::Component&, sim::ModelContext&);

namespace {

const WorkerQueueParams& params(const config::Component& c) {
  return c.as<WorkerQueueParams>();
}

config::KindSyntax kind_syntax() {
  config::KindSyntax k;
  k.name = "worker_queue";
  k.keys = {"broker",        "workers",          "concurrency", "attempts", "backoff",
            "lock_duration", "stalled_interval", "limiter",     "autoscale"};
  k.calls.enqueue = true;
  k.read = read_worker_queue_params;
  k.references = [](const config::Component& c) {
    config::Reference broker{"broker", params(c).broker, {"redis"}, "a broker"};
    broker.needed_to_enqueue = true;  // enqueueing writes the job to the broker
    return std::vector<config::Reference>{broker};
  };
  k.address = [](const config::Component& c, const std::string& role, bool) {
    const auto& s = params(c);
    return config::address_without_roles(c, scaled_max(s.workers, s.autoscale), role);
  };
  return k;
}

Analytic kind_analytic() {
  Analytic a;
  a.visit = [](AnalyticVisit& v) {
    if (v.call.enqueue.empty()) {
      v.d.cpu[v.component] += v.p * v.demand;
      v.own += v.demand + v.io;
      return;
    }
    // The broker takes one command; the job runs later on a slot, off the request path.
    const auto& s = params(v.topology.components[v.component]);
    if (int b = v.topology.index_of(s.broker); b >= 0) v.d.cpu[b] += v.p * v.command_cost(b);
    for (const auto& job : v.topology.jobs)
      if (job.name == v.call.enqueue) v.d.held[v.component] += v.p * v.walk(job.calls, v.p);
  };
  a.predict = [](const config::Component& c, const TierLoad& load, TierPrediction& tp) {
    const auto& s = params(c);
    stateless_tier(tp, c, s.workers, s.concurrency, load.held, "job slots");
  };
  return a;
}

}  // namespace

Kind worker_queue_kind() {
  Kind k;
  k.syntax = kind_syntax();
  k.make = make_worker_queue;
  k.instances = count_of(&WorkerQueueParams::workers);
  k.detail = [](const config::Component&) { return std::string(); };
  k.spof = [](const config::Component& c) -> std::optional<Spof> {
    const auto& s = params(c);
    if (s.workers <= 1) return Spof{"1 worker"};
    if (autoscale_floor(s.autoscale, s.workers) <= 1)
      return Spof{"the autoscaler may scale it down to 1 worker"};
    return std::nullopt;
  };
  k.planning = count_knob(&WorkerQueueParams::workers, "workers",
                          [](int written) { return std::make_pair(1, std::max(64, written)); });
  k.analytic = kind_analytic();
  k.loss = lose_first_instance(false);
  return k;
}

}  // namespace capsim::models
