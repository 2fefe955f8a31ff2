#include "models/worker_queue/rules.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::models {

double bullmq_backoff(const std::string& type, double delay, int attempts_made) {
  // docs/SEMANTICS.md 2.11 (BullMQ): "No backoff configured: retry immediately. `fixed`: every
  // `delay` ms. `exponential`: 2^(attemptsMade-1) x delay (e.g. 1 s, 2 s, 4 s)" -- docs.bullmq.io
  // guide/retrying-failing-jobs; src/classes/backoffs.ts. attemptsMade counts the failed tries so
  // far (>= 1 when the backoff is computed). backoffs.ts rounds the result to whole milliseconds
  // (Math.round on a delay in ms). Older BullMQ releases used (2^attemptsMade - 1) x delay; capsim
  // follows the current documentation.
  if (type == "fixed") return std::max(0.0, delay);
  if (type == "exponential") {
    int n = std::max(1, attempts_made);
    double ms = std::round(std::ldexp(delay * 1e3, n - 1));
    return std::max(0.0, ms / 1e3);
  }
  return 0;  // "none": retried without delay as soon as it fails
}

bool bullmq_limiter_admit(LimiterWindow& window, double now, int max, double duration) {
  if (now >= window.end) {
    window.end = now + duration;
    window.count = 0;
  }
  if (window.count >= max) return false;
  ++window.count;
  return true;
}

}  // namespace capsim::models
