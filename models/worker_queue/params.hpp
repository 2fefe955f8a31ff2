// A BullMQ queue and its workers (docs/SEMANTICS.md 2.11), with BullMQ's defaults.
// Defaults are the product's documented ones, each cited beside it; read_worker_queue_params reads
// the component's keys (every problem against its JSON pointer).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"
#include "sim/autoscaler.hpp"

namespace capsim::models {

struct WorkerQueueParams : config::KindParams {  // BullMQ worker semantics
  std::string broker;
  int workers = 1;
  int concurrency = 1;           // bullmq: concurrency 1
  int attempts = 1;              // bullmq: attempts 1
  std::string backoff = "none";  // none | fixed | exponential
  double backoff_delay = 0;
  double lock_duration = 30;     // bullmq: lockDuration 30s
  double stalled_interval = 30;  // bullmq: stalledInterval 30s
  // BullMQ's rate limiter: at most `limiter_max` jobs started per `limiter_duration` window
  // (worker option `limiter`); the insurance runbook's critical/normal/low queues use 1000, 100
  // and 10 per second.
  int limiter_max = 0;  // 0: no limiter
  double limiter_duration = 0;
  sim::Autoscale autoscale;
};

std::shared_ptr<const config::KindParams> read_worker_queue_params(config::ObjectReader& r);

}  // namespace capsim::models
