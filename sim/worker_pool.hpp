// A fixed number of slots (workers, connections, servers) taken FCFS by waiters, with an optional
// limit on waiting places, an optional wait timeout, and optional reserve slots that only a waiter
// who has waited `reserve_after` may take (PgBouncer's reserve_pool_size / reserve_pool_timeout).
// The building block of every kind: gunicorn workers, PgBouncer's server pool, Postgres
// connections, a station's servers.
//
// Waiters are served in arrival order, so the oldest is always at the front: the only waiter whose
// timeout or reserve threshold can come due next. One timer for the front serves the whole queue.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "core/statistics.hpp"

namespace capsim::sim {

class Engine;

class WorkerPool {
 public:
  // Abandoned: the machine behind the pool died while the caller waited (abandon()).
  enum class Result { Granted, QueueFull, TimedOut, Abandoned };
  using Callback = std::function<void(Result)>;

  // queue_limit: waiting places (nullopt = unlimited); wait_timeout: 0 = wait forever;
  // reserve: extra slots for waiters that have waited at least reserve_after.
  WorkerPool(Engine& engine, int slots, std::optional<long long> queue_limit = std::nullopt,
             double wait_timeout = 0, int reserve = 0, double reserve_after = 0);

  void acquire(Callback granted);
  void release();
  void set_slots(int slots);  // autoscaling; waiters that now fit start at once
  // The machine behind the pool died (a drill's kill): every waiter is answered Abandoned at once
  // and every slot is free again. The holders died with it and must not release() later: callers
  // guard their late completions with a generation of their own (see Holders).
  void abandon();
  int slots() const { return slots_; }
  int busy() const { return busy_; }
  std::size_t waiting() const { return queue_.size(); }

  void reset_stats(double now);
  double utilisation(double now) const { return slots_ ? busy_level_.mean(now) / slots_ : 0; }
  double mean_busy(double now) const { return busy_level_.mean(now); }
  double mean_queue(double now) const { return queue_level_.mean(now); }
  double max_queue() const { return queue_level_.max(); }
  double mean_wait() const { return granted_ ? wait_sum_ / granted_ : 0; }
  std::uint64_t granted() const { return granted_; }
  std::uint64_t waited() const { return waited_; }  // granted after waiting
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t timed_out() const { return timed_out_; }
  std::uint64_t reserve_granted() const { return reserve_granted_; }

 private:
  struct Waiter {
    Callback granted;
    double since;
  };
  bool fits(double since, double now) const;
  void grant(Callback& granted, double since, double now);
  void serve(double now);  // grant or expire front waiters, then arm the timer for the next one
  void arm(double now);

  Engine& engine_;
  int slots_;
  std::optional<long long> queue_limit_;
  double wait_timeout_;
  int reserve_;
  double reserve_after_;
  int busy_ = 0;
  bool armed_ = false;
  std::deque<Waiter> queue_;
  core::TimeWeighted busy_level_, queue_level_;
  double wait_sum_ = 0;
  std::uint64_t granted_ = 0, waited_ = 0, rejected_ = 0, timed_out_ = 0, reserve_granted_ = 0;
};

// What the holders of a process's slots are doing, so that a drill's kill can answer each of them
// at once (a client sees its connection reset) instead of when its work would have ended. add()
// returns a key for remove(); take_all() empties the table. Keys are reused, so after take_all()
// the owner must ignore the old holders' late completions (a generation bumped at the kill).
template <typename T>
class Holders {
 public:
  std::size_t add(T item) {
    ++size_;
    if (free_.empty()) {
      items_.emplace_back(std::move(item));
      return items_.size() - 1;
    }
    std::size_t key = free_.back();
    free_.pop_back();
    items_[key] = std::move(item);
    return key;
  }
  T remove(std::size_t key) {
    T item = std::move(*items_[key]);
    items_[key].reset();
    free_.push_back(key);
    --size_;
    return item;
  }
  std::vector<T> take_all() {
    std::vector<T> out;
    out.reserve(size_);
    for (auto& item : items_)
      if (item) out.push_back(std::move(*item));
    items_.clear();
    free_.clear();
    size_ = 0;
    return out;
  }
  std::size_t size() const { return size_; }

 private:
  std::vector<std::optional<T>> items_;
  std::vector<std::size_t> free_;
  std::size_t size_ = 0;
};

}  // namespace capsim::sim
