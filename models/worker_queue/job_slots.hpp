// A BullMQ queue's discipline: its waiting jobs by priority and its workers' job slots, with the
// rate limiter in front of them (models/worker_queue/worker_queue.cpp runs the jobs).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "core/statistics.hpp"
#include "models/worker_queue/rules.hpp"
#include "sim/engine.hpp"

namespace capsim::models {

// The queue's waiting jobs and its workers' job slots (`concurrency` each). A worker with a free
// slot takes the waiting job of the best priority (0 first, then 1 = highest ... 2,097,152), FIFO
// within a priority; the least busy worker takes it first. With a rate limiter, at most `max` jobs
// start in each `duration` window, the window opening with the first start after the previous one
// closed (BullMQ keeps a counter that expires after duration). Workers [0, ready) take jobs while
// they are up; one scaled away finishes what it holds.
class JobSlots {
 public:
  using Start = std::function<void(int worker)>;
  JobSlots(sim::Engine& engine, int workers, int ready, int concurrency, int limit_max,
           double limit_window)
      : engine_(engine),
        concurrency_(concurrency),
        ready_(ready),
        limit_max_(limit_max),
        limit_window_(limit_window),
        busy_per_(static_cast<std::size_t>(workers), 0),
        up_(static_cast<std::size_t>(workers), true) {
    slots_level_.set(0, slots());
  }

  // `front`: a stalled job goes back to the head of the wait list (checkStalledJobs' RPUSH, "to
  // immediately be picked up by a waiting worker").
  void enqueue(int priority, Start start, bool front = false) {
    double now = engine_.now();
    auto& list = waiting_[priority];
    if (front)
      list.push_front({std::move(start), now});
    else
      list.push_back({std::move(start), now});
    ++waiting_count_;
    queue_level_.set(now, static_cast<double>(waiting_count_));
    dispatch();
  }
  void release(int worker) {
    --busy_per_[worker];
    --busy_;
    busy_level_.set(engine_.now(), busy_);
    dispatch();
  }
  void set_ready(int n) {
    ready_ = n;
    slots_level_.set(engine_.now(), slots());
    dispatch();
  }
  // A worker dies (its jobs stall: they hold none of the live slots) or comes back.
  void set_up(int worker, bool up) {
    double now = engine_.now();
    up_[worker] = up;
    if (!up) {
      busy_ -= busy_per_[worker];
      busy_per_[worker] = 0;
      busy_level_.set(now, busy_);
    }
    slots_level_.set(now, slots());
    dispatch();
  }

  bool up(int worker) const { return up_[worker]; }
  int slots() const {
    int live = 0;
    for (int w = 0; w < ready_; ++w) live += up_[w];
    return live * concurrency_;
  }
  int busy() const { return busy_; }
  std::size_t waiting() const { return waiting_count_; }
  void reset_stats(double now) {
    busy_level_.reset(now);
    queue_level_.reset(now);
    slots_level_.reset(now);
    wait_sum_ = 0;
    started_ = held_back_ = 0;
  }
  double utilisation(double now) const {
    double slots = slots_level_.mean(now);
    return slots > 0 ? busy_level_.mean(now) / slots : 0;
  }
  double mean_queue(double now) const { return queue_level_.mean(now); }
  double max_queue() const { return queue_level_.max(); }
  double mean_wait() const { return started_ ? wait_sum_ / started_ : 0; }
  std::uint64_t held_back() const { return held_back_; }  // starts the limiter delayed

 private:
  struct Waiting {
    Start start;
    double since;
  };

  // The live worker with the most free slots, the lowest index on ties; -1 when all are full.
  int pick_worker() const {
    int best = -1;
    for (int w = 0; w < ready_; ++w)
      if (up_[w] && busy_per_[w] < concurrency_ && (best < 0 || busy_per_[w] < busy_per_[best]))
        best = w;
    return best;
  }

  void dispatch() {
    double now = engine_.now();
    while (waiting_count_ > 0) {
      int worker = pick_worker();
      if (worker < 0) return;
      if (limit_max_ > 0 && !bullmq_limiter_admit(limiter_, now, limit_max_, limit_window_)) {
        ++held_back_;
        if (!armed_) {
          armed_ = true;
          engine_.at(limiter_.end, [this] {
            armed_ = false;
            dispatch();
          });
        }
        return;
      }
      auto best = waiting_.begin();
      Waiting w = std::move(best->second.front());
      best->second.pop_front();
      if (best->second.empty()) waiting_.erase(best);
      --waiting_count_;
      queue_level_.set(now, static_cast<double>(waiting_count_));
      ++busy_per_[worker];
      ++busy_;
      busy_level_.set(now, busy_);
      ++started_;
      wait_sum_ += now - w.since;
      w.start(worker);
    }
  }

  sim::Engine& engine_;
  int concurrency_, ready_, limit_max_;
  double limit_window_;
  std::vector<int> busy_per_;
  std::vector<bool> up_;
  int busy_ = 0;                                // jobs running on live workers
  std::map<int, std::deque<Waiting>> waiting_;  // by priority, lowest number first
  std::size_t waiting_count_ = 0;
  LimiterWindow limiter_;
  bool armed_ = false;  // a dispatch is due when the limiter's window closes
  core::TimeWeighted busy_level_, queue_level_, slots_level_;
  double wait_sum_ = 0;
  std::uint64_t started_ = 0, held_back_ = 0;
};

}  // namespace capsim::models
