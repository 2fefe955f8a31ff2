#include "models/worker_queue/params.hpp"

#include <string>

#include "core/units.hpp"
#include "models/autoscale_params.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_worker_queue_params(config::ObjectReader& r) {
  auto params = std::make_shared<WorkerQueueParams>();
  WorkerQueueParams& s = *params;
  s.broker = r.required_string("broker", "the name of the redis component");
  s.workers = static_cast<int>(r.integer_or("workers", 1, 100000, s.workers));
  s.concurrency = static_cast<int>(r.integer_or("concurrency", 1, 100000, s.concurrency));
  s.attempts = static_cast<int>(r.integer_or("attempts", 1, 1000, s.attempts));
  if (auto b = r.string("backoff")) {
    // "none", "fixed 2s", "exponential 1s" (BullMQ backoff types)
    auto space = b->find(' ');
    std::string type = b->substr(0, space);
    std::string delay = space == std::string::npos ? "" : b->substr(space + 1);
    core::Parsed p = delay.empty() ? core::Parsed{0, ""} : core::parse_duration(delay);
    bool known = type == "none" || type == "fixed" || type == "exponential";
    bool delay_ok =
        type == "none" ? delay.empty() : (!delay.empty() && p.error.empty() && p.value > 0);
    if (!known || !delay_ok) {
      r.problem("backoff", "\"" + *b +
                               "\" is not a backoff (expected \"none\", \"fixed <duration>\" or "
                               "\"exponential <duration>\", e.g. \"exponential 1s\")");
    } else {
      s.backoff = type;
      s.backoff_delay = p.value;
    }
  }
  s.lock_duration = r.duration_or("lock_duration", s.lock_duration);
  s.stalled_interval = r.duration_or("stalled_interval", s.stalled_interval);
  if (const config::Json* l = r.raw("limiter")) {
    config::ObjectReader lr(*l, r.at("limiter"), r.context());
    if (lr.valid()) {
      s.limiter_max = static_cast<int>(lr.integer("max", 1, 100000000, true).value_or(0));
      s.limiter_duration = lr.duration("duration", true).value_or(0);
      if (s.limiter_duration <= 0) s.limiter_max = 0;
    }
  }
  s.autoscale = read_autoscale(r);
  return params;
}

}  // namespace capsim::models
