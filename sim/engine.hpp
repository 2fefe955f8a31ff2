// The seam between capsim and SimGrid. Models see a clock, timers and hosts that run work; only
// engine.cpp includes SimGrid. One Engine per process (a SimGrid rule, see docs/ENGINE.md): replications
// run in separate processes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/statistics.hpp"

namespace capsim::sim {

using Action = std::function<void()>;
using Completion = std::function<void(bool ok)>;  // ok = false when the host failed under it

class Engine;

// A machine with `cores` CPUs. Work on it is processor-shared: n running jobs each get
// min(1, cores/n) of a core (SimGrid's CPU model). When the model in front guarantees that no more
// jobs run at once than there are cores, the work is a plain delay and costs one timer.
class Host {
 public:
  const std::string& name() const { return name_; }
  int cores() const { return cores_; }
  bool up() const { return up_; }
  int running() const { return running_; }

  void compute(double seconds, Completion done);
  void set_slowdown(double factor);  // service takes `factor` times longer (a degraded machine)
  void turn_off();                   // running work fails
  void turn_on();

  // Time-average of busy cores over the measured window, as a fraction of all cores.
  double utilisation(double now) const { return busy_.mean(now) / cores_; }
  double mean_busy_cores(double now) const { return busy_.mean(now); }
  // Busy core-seconds since the start, never reset: for rates over any interval (autoscalers).
  double busy_core_seconds(double now) const {
    return busy_area_ + busy_level_ * (now - busy_since_);
  }
  void reset_stats(double now) { busy_.reset(now); }

 private:
  friend class Engine;
  Host(Engine& engine, std::string name, int cores, bool dedicated, void* native);
  void started(double now);
  void finished(double now);
  Engine& engine_;
  std::string name_;
  int cores_;
  bool dedicated_;
  void* native_;  // simgrid::s4u::Host*
  bool up_ = true;
  double slowdown_ = 1;
  unsigned generation_ = 0;
  int running_ = 0;
  core::TimeWeighted busy_;
  double busy_area_ = 0, busy_level_ = 0, busy_since_ = 0;
  void busy_changed(double now);
};

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  double now() const;
  void at(double time, Action action);
  void after(double delay, Action action) { at(now() + delay, std::move(action)); }

  // `max_concurrency` is the most jobs the caller will ever run here at once; when it is at most
  // `cores`, processor sharing never applies and compute() takes the fast timer path.
  Host& add_host(const std::string& name, int cores, int max_concurrency);
  // Call once every host is added, before the first compute().
  void seal();
  void run_until(double time);
  const std::vector<std::unique_ptr<Host>>& hosts() const { return hosts_; }
  // Timers and executions scheduled so far: the events the engine has had to process.
  std::uint64_t events() const { return events_; }

 private:
  friend class Host;
  void start_exec(Host& host, double seconds, Completion done);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::uint64_t events_ = 0;
};

}  // namespace capsim::sim
