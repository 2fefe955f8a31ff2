// BullMQ's pure rules, testable without the engine (tests/models/worker_queue/).
#pragma once

#include <string>

namespace capsim::models {

// BullMQ's delay before retrying a job that has failed `attempts_made` times (>= 1), in seconds:
// "none" (or no backoff) retries at once, "fixed" waits `delay`, "exponential" waits
// 2^(attempts_made - 1) x delay, rounded to the millisecond.
double bullmq_backoff(const std::string& type, double delay, int attempts_made);

// BullMQ's rate limiter (worker option `limiter`): at most `max` jobs start per window of
// `duration`, the window opening with the first start after the previous one closed (BullMQ keeps
// a counter that expires after duration).
struct LimiterWindow {
  double end = -1;  // when the current window closes
  int count = 0;    // jobs started in it
};
// Whether a job may start at `now`; counts it when it may.
bool bullmq_limiter_admit(LimiterWindow& window, double now, int max, double duration);

}  // namespace capsim::models
