#include "sim/worker_pool.hpp"

#include "sim/engine.hpp"

namespace capsim::sim {

WorkerPool::WorkerPool(Engine& engine, int slots, std::optional<long long> queue_limit,
                       double wait_timeout, int reserve, double reserve_after)
    : engine_(engine),
      slots_(slots),
      queue_limit_(queue_limit),
      wait_timeout_(wait_timeout),
      reserve_(reserve),
      reserve_after_(reserve_after) {}

bool WorkerPool::fits(double since, double now) const {
  return busy_ < slots_ || (busy_ < slots_ + reserve_ && since + reserve_after_ <= now);
}

void WorkerPool::grant(Callback& granted, double since, double now) {
  if (busy_ >= slots_) ++reserve_granted_;
  ++busy_;
  busy_level_.set(now, busy_);
  ++granted_;
  wait_sum_ += now - since;
  if (now > since) ++waited_;
  granted(Result::Granted);
}

void WorkerPool::acquire(Callback granted) {
  double now = engine_.now();
  if (queue_.empty() && fits(now, now)) {
    grant(granted, now, now);
    return;
  }
  if (queue_limit_ && static_cast<long long>(queue_.size()) >= *queue_limit_) {
    ++rejected_;
    granted(Result::QueueFull);
    return;
  }
  queue_.push_back(Waiter{std::move(granted), now});
  queue_level_.set(now, static_cast<double>(queue_.size()));
  arm(now);
}

void WorkerPool::release() {
  --busy_;
  double now = engine_.now();
  busy_level_.set(now, busy_);
  serve(now);
}

void WorkerPool::serve(double now) {
  while (!queue_.empty()) {
    Waiter& front = queue_.front();
    bool expired = wait_timeout_ > 0 && front.since + wait_timeout_ <= now;
    if (!expired && !fits(front.since, now)) break;
    // Take the waiter off the queue before calling it: its callback may acquire or release again.
    Waiter w = std::move(front);
    queue_.pop_front();
    queue_level_.set(now, static_cast<double>(queue_.size()));
    if (expired) {
      ++timed_out_;
      w.granted(Result::TimedOut);
    } else {
      grant(w.granted, w.since, now);
    }
  }
  arm(now);
}

void WorkerPool::arm(double now) {
  if (armed_ || queue_.empty()) return;
  const Waiter& front = queue_.front();
  double next = -1;
  if (wait_timeout_ > 0) next = front.since + wait_timeout_;
  // The reserve threshold matters only while a reserve slot is free to take.
  double reserve_at = front.since + reserve_after_;
  if (busy_ < slots_ + reserve_ && reserve_at > now && (next < 0 || reserve_at < next))
    next = reserve_at;
  if (next < 0) return;
  armed_ = true;
  engine_.at(next, [this] {
    armed_ = false;
    serve(engine_.now());
  });
}

void WorkerPool::set_slots(int slots) {
  slots_ = slots;
  serve(engine_.now());
}

void WorkerPool::abandon() {
  double now = engine_.now();
  busy_ = 0;
  busy_level_.set(now, 0);
  // Taken off first: a waiter's callback may acquire again (on this pool or another).
  std::deque<Waiter> waiters = std::move(queue_);
  queue_.clear();
  queue_level_.set(now, 0);
  for (auto& w : waiters) w.granted(Result::Abandoned);
}

void WorkerPool::reset_stats(double now) {
  busy_level_.reset(now);
  queue_level_.reset(now);
  wait_sum_ = 0;
  granted_ = waited_ = rejected_ = timed_out_ = reserve_granted_ = 0;
}

}  // namespace capsim::sim
