// The contract between the engine and the component models in models/. A request walks a tree of
// calls (CallPlan); each call is a Visit to one component, which queues it, serves it, runs its
// nested calls while holding whatever it holds (a worker, a connection), and reports an Outcome.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/random.hpp"

namespace capsim::sim {

class Engine;
class Flow;
class Host;
struct Blueprint;

struct Outcome {
  bool ok = true;
  const char* cause = nullptr;  // why it failed: a static string such as "timeout"
  bool miss = false;            // a cache call that missed
  static Outcome failure(const char* why) { return {false, why, false}; }
};
using Continuation = std::function<void(Outcome)>;

// One call of a request's call tree, with component indices resolved (models/blueprint.cpp compiles
// a topology's calls into these).
struct CallPlan {
  int target = -1;
  std::string op;
  bool write = false;  // a database write (query "write") or a mutating op (set, upsert, ...)
  bool has_demand = false, has_io = false;
  Sampler demand, io;
  double hit_ratio = -1;  // < 0: not a cache call
  int job = -1;           // >= 0: enqueue this job (target is a worker_queue)
  std::vector<CallPlan> on_miss, calls, parallel;
};

// What a request holds until the worker serving it is released: PgBouncer's session-mode server
// connections (a framework that connects per request keeps its session that long).
struct Session {
  std::vector<std::pair<const void*, int>> held;  // (holder, which of its pools)
  std::vector<std::function<void()>> on_end;      // run when the worker is released
};

struct Request {
  int cls = -1;  // request class, or -1 for a job
  int job = -1;
  double start = 0;
  bool idempotent = true;
  bool measured = true;        // arrived after the warm-up
  Session* session = nullptr;  // of the worker serving it now, if any
};

struct Visit {
  Request* request;
  const CallPlan* call;
  Continuation done;
};

// What a component reports at the end of a run (means over the measured window).
struct ComponentReport {
  double utilisation = 0;  // busiest resource the component has, 0..1
  // Utilisation of what does the work (CPU, the command thread, a station's servers), as opposed
  // to what is merely held while waiting downstream (app workers, pooled connections). A
  // component saturated here is a bottleneck; one saturated only by holding is backed up behind
  // one. Negative: the same as `utilisation`.
  double service_utilisation = -1;
  double mean_queue = 0, max_queue = 0;
  double mean_wait = 0;    // waiting for a worker / connection / slot
  double throughput = 0;   // visits served per second
  double turned_away = 0;  // visits refused or timed out: the component cannot keep up
  int instances = 1;
  std::map<std::string, double> extra;  // kind-specific figures ("pool_waits", ...)
};

// A point of the time series: (metric, value) for this component now.
using Sample = std::pair<std::string, double>;

// Drills. Each instance a scenario can name: "api[2]" is the component's instance 2, "pg.primary"
// the instance whose role is "primary" at that moment, "zone:a" every instance placed in zone a.
struct Placement {
  std::string role;  // "primary", "replica", "master", "sentinel", "node", ...; "" = no roles
  int index = 0;     // among the instances with this role
  std::string zone;  // "" when the topology declares no zones
  bool up = true;
};

enum class FaultKind {
  kill,       // the process or machine dies: in-flight work fails, new work is refused
  restore,    // it comes back (and rejoins in whatever role the protocol gives it)
  partition,  // cut off from the rest: the rest sees it as dead, but it keeps running
  heal,       // the partition ends
  slow        // service takes `factor` times longer (a degraded disk or noisy neighbour)
};
const char* to_string(FaultKind kind);

struct Fault {
  FaultKind kind;
  double factor = 1;  // slow
};

// What models report on a drill's timeline (the engine records them with the time).
class Timeline {
 public:
  struct Event {
    double time;
    std::string component, event, detail;
  };
  explicit Timeline(const Engine& engine) : engine_(engine) {}
  void note(const std::string& component, const std::string& event, const std::string& detail);
  // Acknowledged writes lost by a failover: those not yet replicated when the node died.
  void lost_writes(std::uint64_t count, double lag_seconds) {
    lost_writes_ += count;
    lost_lag_ = std::max(lost_lag_, lag_seconds);
  }
  // Drills log every job's fate too (by the time it was enqueued), beside the requests'.
  using JobLog = std::function<void(int job, double enqueued, double latency, const char* cause)>;
  void set_job_log(JobLog log) { job_log_ = std::move(log); }
  void job_done(int job, double enqueued, double latency, const char* cause) {
    if (job_log_) job_log_(job, enqueued, latency, cause);
  }
  const std::vector<Event>& events() const { return events_; }
  std::uint64_t lost_write_count() const { return lost_writes_; }
  double lost_lag() const { return lost_lag_; }

 private:
  const Engine& engine_;
  std::vector<Event> events_;
  std::uint64_t lost_writes_ = 0;
  double lost_lag_ = 0;
  JobLog job_log_;
};

class Component {
 public:
  virtual ~Component() = default;
  virtual void handle(Visit visit) = 0;
  // For a load balancer in front: how many instances there are, and serve on a chosen one.
  virtual int instances() const { return 1; }
  virtual void handle_on(int /*instance*/, Visit visit) { handle(std::move(visit)); }
  virtual int in_flight(int /*instance*/) const { return 0; }
  virtual bool instance_up(int /*instance*/) const { return true; }
  // The component this one sits in front of (requests to it enter here first), or -1.
  virtual int fronts() const { return -1; }

  // Drills: the instances as a scenario names them, with their current roles, and what a fault
  // does to one of them (an index into placement()). Kinds that model no faults keep the default,
  // one instance per instances() without roles, and refuse faults.
  virtual std::vector<Placement> placement() const;
  virtual bool supports(FaultKind) const { return false; }
  virtual void fault(int /*instance*/, Fault /*fault*/) {}

  virtual void reset_stats(double now) = 0;  // end of the warm-up
  virtual ComponentReport report(double now) const = 0;
  virtual void sample(std::vector<Sample>& out, double now) { (void)out, (void)now; }
};

// What a model may use: the clock and hosts, its own random stream, and the flow to make calls.
struct ModelContext {
  Engine& engine;
  Flow& flow;
  const Blueprint& system;
  int self;  // this component's index
  Rng rng;
  double measure_from = 0;  // end of the warm-up
  // Components by index (those created before this one; all of them by the time requests flow).
  std::vector<std::unique_ptr<Component>>* components;
  Timeline* timeline;  // drills: detection, election, promotion, lost writes
  Component& component(int index) { return *(*components)[index]; }
  const std::string& name() const;
  // The zone of the i-th instance: instances are placed round-robin over the component's zones,
  // or over all the system's zones when it names none.
  std::string zone_of(int i) const;
};

}  // namespace capsim::sim
