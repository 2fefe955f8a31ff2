// A fixed number of slots (workers, connections, servers) taken FCFS by waiters, with an optional
// limit on waiting places and an optional wait timeout. The building block of every kind: gunicorn
// workers, PgBouncer's server pool, Postgres connections, a station's servers.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "sim/stats.hpp"

namespace capsim::sim {

class Engine;

class WorkerPool {
 public:
  enum class Result { Granted, QueueFull, TimedOut };
  using Callback = std::function<void(Result)>;

  // queue_limit: waiting places (nullopt = unlimited); wait_timeout: 0 = wait forever.
  WorkerPool(Engine& engine, int slots, std::optional<long long> queue_limit = std::nullopt,
             double wait_timeout = 0);

  void acquire(Callback granted);
  void release();
  void set_slots(int slots);  // autoscaling, reserve pools; extra waiters start at once
  int slots() const { return slots_; }
  int busy() const { return busy_; }
  std::size_t waiting() const { return waiting_; }

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

 private:
  struct Waiter {
    Callback granted;
    double since;
    bool settled = false;
  };
  void grant(Waiter& w, double now);
  Engine& engine_;
  int slots_;
  std::optional<long long> queue_limit_;
  double wait_timeout_;
  int busy_ = 0;
  std::size_t waiting_ = 0;  // live waiters (the deque may hold settled ones)
  std::deque<std::shared_ptr<Waiter>> queue_;
  TimeWeighted busy_level_, queue_level_;
  double wait_sum_ = 0;
  std::uint64_t granted_ = 0, waited_ = 0, rejected_ = 0, timed_out_ = 0;
};

}  // namespace capsim::sim
