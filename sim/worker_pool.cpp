#include "sim/worker_pool.hpp"

#include "sim/engine.hpp"

namespace capsim::sim {

WorkerPool::WorkerPool(Engine& engine, int slots, std::optional<long long> queue_limit,
                       double wait_timeout)
    : engine_(engine), slots_(slots), queue_limit_(queue_limit), wait_timeout_(wait_timeout) {}

void WorkerPool::grant(Waiter& w, double now) {
  ++busy_;
  busy_level_.set(now, busy_);
  ++granted_;
  wait_sum_ += now - w.since;
  if (now > w.since) ++waited_;
  w.settled = true;
  w.granted(Result::Granted);
}

void WorkerPool::acquire(Callback granted) {
  double now = engine_.now();
  if (busy_ < slots_ && waiting_ == 0) {
    Waiter w{std::move(granted), now};
    grant(w, now);
    return;
  }
  if (queue_limit_ && static_cast<long long>(waiting_) >= *queue_limit_) {
    ++rejected_;
    granted(Result::QueueFull);
    return;
  }
  auto w = std::make_shared<Waiter>(Waiter{std::move(granted), now});
  queue_.push_back(w);
  ++waiting_;
  queue_level_.set(now, static_cast<double>(waiting_));
  if (wait_timeout_ > 0) {
    engine_.after(wait_timeout_, [this, w] {
      if (w->settled) return;
      w->settled = true;
      --waiting_;
      ++timed_out_;
      queue_level_.set(engine_.now(), static_cast<double>(waiting_));
      w->granted(Result::TimedOut);
    });
  }
}

void WorkerPool::release() {
  double now = engine_.now();
  --busy_;
  busy_level_.set(now, busy_);
  while (busy_ < slots_ && !queue_.empty()) {
    auto w = std::move(queue_.front());
    queue_.pop_front();
    if (w->settled) continue;  // timed out earlier
    --waiting_;
    queue_level_.set(now, static_cast<double>(waiting_));
    grant(*w, now);
  }
}

void WorkerPool::set_slots(int slots) {
  slots_ = slots;
  ++busy_;  // release() grants waiters while there is room; balance its decrement
  release();
}

void WorkerPool::reset_stats(double now) {
  busy_level_.reset(now);
  queue_level_.reset(now);
  wait_sum_ = 0;
  granted_ = waited_ = rejected_ = timed_out_ = 0;
}

}  // namespace capsim::sim
