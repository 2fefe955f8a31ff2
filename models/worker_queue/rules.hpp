// BullMQ's pure rules, testable without the engine (tests/models/worker_queue/).
#pragma once

#include <string>

namespace capsim::models {

// BullMQ's delay before retrying a job that has failed `attempts_made` times (>= 1), in seconds:
// "none" (or no backoff) retries at once, "fixed" waits `delay`, "exponential" waits
// 2^(attempts_made - 1) x delay, rounded to the millisecond.
double bullmq_backoff(const std::string& type, double delay, int attempts_made);

}  // namespace capsim::models
