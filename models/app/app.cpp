// app: stateless replicas, each a machine with `vcpus` and a fixed number of workers (gunicorn
// sync workers: one request at a time each). Requests wait FCFS for a worker in the listen backlog
// (refused beyond it); a worker's CPU work is processor-shared over the replica's vCPUs, and it
// holds the worker while its nested calls run. A request running longer than `timeout` fails (the
// gunicorn arbiter kills silent workers after `timeout`, default 30 s).
//
// With an autoscaler (sim/autoscaler.hpp) the replica count changes while it runs: a new replica
// serves after its start-up delay (pod start-up and readiness), a removed one takes no new work
// and finishes what it holds. Machines for the policy's maximum are made up front (SimGrid's
// platform is sealed before the run); the first `ready` of them serve.
//
// Drills. Killing replica i kills its gunicorn master and workers: the requests its workers hold
// and those waiting in its listen backlog fail at once ("app replica down": nginx sees the
// connection reset, an `error` for proxy_next_upstream, docs/SEMANTICS.md 2.8), and new connections
// to it are refused at once ("connection refused", also an nginx failure). The dead process makes
// no further calls; calls already under way downstream finish there, unanswered. Without an
// autoscaler the replica stays down until restored. Under one (HPA or the runbooks' steps, i.e. a
// Kubernetes Deployment) the ReplicaSet replaces the pod at once and the replacement serves after
// the policy's `startup` (pod start-up and readiness; docs/SEMANTICS.md 2.9's
// initial-readiness-delay is 30 s). Not modelled: a whole node lost, whose pods Kubernetes evicts
// only after the default 300 s toleration for node.kubernetes.io/unreachable, then starts
// elsewhere. `slow` makes the replica's CPU work take `factor` times longer.
#include <deque>
#include <optional>
#include <vector>

#include "models/app/params.hpp"
#include "models/common.hpp"
#include "sim/autoscaler.hpp"
#include "sim/deadlines.hpp"

namespace capsim::models {
namespace {

constexpr const char* kReplicaDown = "app replica down";
constexpr const char* kRefused = "connection refused";

class App final : public sim::Component, public sim::Scalable {
 public:
  App(const config::Component& c, const AppParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx), deadlines_(ctx.engine, spec.timeout, "timeout") {
    int vcpus = c.vcpus > 0 ? c.vcpus : 1;
    // gunicorn design docs: workers = 2 x cores + 1 as the starting point
    workers_ = spec.workers > 0 ? spec.workers : 2 * vcpus + 1;
    vcpus_ = vcpus;
    int most = std::max(spec.replicas, sim::policy_max(spec.autoscale));
    for (int i = 0; i < most; ++i) {
      Replica r;
      r.host = &ctx.engine.add_host(c.name + "[" + std::to_string(i) + "]", vcpus, workers_);
      r.pool = std::make_unique<sim::WorkerPool>(ctx.engine, workers_, spec.backlog);
      replicas_.push_back(std::move(r));
    }
    startup_ = sim::policy_startup(spec.autoscale);
    ready_ = desired_ = spec.replicas;
    if (sim::ScalingDecision(spec.autoscale).enabled()) {
      // Start inside the policy's bounds, as a Deployment under an HPA does.
      ready_ = desired_ = std::clamp(spec.replicas, sim::policy_min(spec.autoscale), most);
      autoscaler_.emplace(ctx.engine, spec.autoscale, *this);
    }
    ready_level_.set(0, ready_);
    ever_ready_ = ready_;
  }

  // Requests go to the ready replicas only: [0, ready_).
  int instances() const override { return ready_; }
  bool instance_up(int i) const override { return replicas_[i].host->up(); }
  int in_flight(int i) const override {
    return replicas_[i].pool->busy() + static_cast<int>(replicas_[i].pool->waiting());
  }

  void handle(sim::Visit v) override {
    // Without nginx in front, clients reach the replicas in turn through a Service or VIP that
    // drops dead ones (as pgbouncer's clients do); with none up, the connection is refused.
    if (next_ >= ready_) next_ = 0;
    int i = next_;
    for (int tries = 1; tries < ready_ && !replicas_[i].host->up(); ++tries) i = (i + 1) % ready_;
    next_ = (i + 1) % ready_;
    handle_on(i, std::move(v));
  }

  void handle_on(int i, sim::Visit v) override {
    Replica& r = replicas_[i];
    if (!r.host->up()) {
      ++refused_down_;
      v.done(sim::Outcome::failure(kRefused));
      return;
    }
    r.pool->acquire([this, &r, v = std::move(v)](sim::WorkerPool::Result result) mutable {
      if (result == sim::WorkerPool::Result::Abandoned) {
        v.done(sim::Outcome::failure(kReplicaDown));  // the backlog died with the process
        return;
      }
      if (result != sim::WorkerPool::Result::Granted) {
        v.done(sim::Outcome::failure("backlog full"));
        return;
      }
      serve(r, std::move(v));
    });
  }

  // ---- drills ----
  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    for (int i = 0; i < instances(); ++i)
      out.push_back({"", i, ctx_.zone_of(i), replicas_[i].host->up()});
    return out;
  }
  bool supports(sim::FaultKind kind) const override {
    return kind == sim::FaultKind::kill || kind == sim::FaultKind::restore ||
           kind == sim::FaultKind::slow;
  }
  void fault(int i, sim::Fault f) override {
    switch (f.kind) {
      case sim::FaultKind::kill:
        kill(i);
        break;
      case sim::FaultKind::restore:
        if (!replicas_[i].host->up()) {
          replicas_[i].host->turn_on();
          ctx_.timeline->note(ctx_.name(), "restored", label(i) + " serves again");
        }
        break;
      case sim::FaultKind::slow:
        replicas_[i].host->set_slowdown(f.factor);
        break;
      default:
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& r : replicas_) {
      r.pool->reset_stats(now);
      r.host->reset_stats(now);
    }
    deadlines_.reset_stats();
    ready_level_.reset(now);
    max_ready_ = ready_;
    refused_down_ = failed_at_kill_ = 0;
  }

  // ---- sim::Scalable ----
  int desired_replicas() const override { return desired_; }

  void scale_to(int n) override {
    n = std::clamp(n, 1, static_cast<int>(replicas_.size()));
    double now = ctx_.engine.now();
    if (n < desired_) {
      desired_ = n;
      if (ready_ > n) set_ready(n, now);  // the removed ones drain what they hold
      return;
    }
    for (int i = desired_; i < n; ++i) {
      unsigned generation = ++replicas_[i].generation;
      ctx_.engine.after(startup_, [this, i, generation] {
        // Ready unless scaled away (or away and back) meanwhile; replicas join in order.
        if (replicas_[i].generation != generation || i >= desired_) return;
        replicas_[i].started = true;
        // A fresh pod, even where a killed one's replacement was still starting.
        replicas_[i].host->turn_on();
        int ready = ready_;
        while (ready < desired_ && replicas_[ready].started) ++ready;
        set_ready(ready, ctx_.engine.now());
      });
      replicas_[i].started = false;
    }
    desired_ = n;
  }

  double cpu_utilisation() override {
    double now = ctx_.engine.now(), busy = 0;
    int reporting = 0;
    for (int i = 0; i < ready_; ++i) {
      busy += replicas_[i].host->busy_core_seconds(now);
      reporting += replicas_[i].host->up();
    }
    // A dead pod reports no metrics; the HPA averages over the pods that do (docs/SEMANTICS.md 2.9
    // fills missing ones in so as never to push the decision further; leaving them out is close).
    double span = now - last_measure_;
    double u = span > 0 && reporting > 0 ? (busy - last_busy_) / (span * reporting * vcpus_) : 0;
    // Replicas that joined or left since the last call make the difference approximate: start the
    // next interval from the current ready set.
    last_busy_ = busy;
    last_measure_ = now;
    return std::clamp(u, 0.0, 1.0);
  }

  double queue_depth() const override {
    double q = 0;
    for (int i = 0; i < ready_; ++i) q += static_cast<double>(replicas_[i].pool->waiting());
    return q;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport out;
    out.instances = instances();
    double cpu = 0, workers = 0, queue = 0, wait = 0, served = 0, refused = 0, timeouts = 0;
    for (const auto& r : replicas_) {
      cpu += r.host->mean_busy_cores(now);
      workers += r.pool->mean_busy(now);
      queue += r.pool->mean_queue(now);
      out.max_queue = std::max(out.max_queue, r.pool->max_queue());
      wait += r.pool->mean_wait() * r.pool->granted();
      served += r.pool->granted();
      refused += r.pool->rejected();
    }
    timeouts = static_cast<double>(deadlines_.expired());
    // Busy cores and workers over what the ready replicas offered, on time average.
    double n = std::max(ready_level_.mean(now), 1e-9);
    cpu /= n * vcpus_;
    workers /= n * workers_;
    out.utilisation = std::max(cpu, workers);
    out.service_utilisation = cpu;  // workers are held while nested calls run
    out.mean_queue = queue;
    out.mean_wait = served > 0 ? wait / served : 0;
    out.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    out.extra["cpu_utilisation"] = cpu;
    out.extra["worker_utilisation"] = workers;
    out.extra["mean_replicas"] = n;
    out.extra["max_replicas"] = max_ready_;
    out.extra["workers_per_replica"] = workers_;
    out.extra["refused"] = refused;
    out.extra["timeouts"] = timeouts;
    // Drills: connections refused by dead replicas, requests failed by a kill, and each
    // replica's CPU (a dead one's load moves to the others).
    if (refused_down_ + failed_at_kill_ > 0 || killed_ever_) {
      out.extra["refused_while_down"] = static_cast<double>(refused_down_);
      out.extra["failed_at_kill"] = static_cast<double>(failed_at_kill_);
      for (int i = 0; i < ever_ready_; ++i)
        out.extra["replica" + std::to_string(i) + "_cpu"] = replicas_[i].host->utilisation(now);
    }
    out.turned_away = refused + timeouts;
    return out;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double busy = 0, queue = 0;
    for (const auto& r : replicas_) {
      busy += r.pool->busy();
      queue += static_cast<double>(r.pool->waiting());
    }
    out.emplace_back("replicas", ready_);
    out.emplace_back("desired_replicas", desired_);
    out.emplace_back("busy_workers", busy);
    out.emplace_back("queue", queue);
  }

 private:
  // A request a worker holds: what a kill must answer and undo.
  struct Held {
    sim::Deadlines::Id id;
    sim::Request* request;
    sim::Session* session;  // the worker's session, and the one it replaced on the request
    sim::Session* outer;
  };
  struct Replica {
    sim::Host* host = nullptr;
    std::unique_ptr<sim::WorkerPool> pool;
    bool started = true;      // past its start-up delay
    unsigned generation = 0;  // bumped on every start, so a stale start-up timer is ignored
    unsigned epoch = 0;       // bumped at every kill: work begun before belongs to a dead process
    sim::Holders<Held> held;
  };

  void set_ready(int n, double now) {
    ready_ = n;
    ready_level_.set(now, n);
    max_ready_ = std::max(max_ready_, n);
    ever_ready_ = std::max(ever_ready_, n);
  }

  std::string label(int i) const { return ctx_.name() + "[" + std::to_string(i) + "]"; }

  void kill(int i) {
    Replica& r = replicas_[i];
    if (!r.host->up()) return;
    r.host->turn_off();
    ++r.epoch;
    killed_ever_ = true;
    auto held = r.held.take_all();
    std::size_t queued = r.pool->waiting();
    failed_at_kill_ += held.size() + queued;
    std::string detail = label(i) + " dies: " + std::to_string(held.size()) +
                         " requests in progress and " + std::to_string(queued) +
                         " in its backlog fail";
    if (autoscaler_) {
      ctx_.timeline->note(ctx_.name(), "replica down",
                          detail + "; Kubernetes starts a replacement pod (ready after " +
                              fmt_seconds(startup_) + ")");
      unsigned epoch = r.epoch;
      ctx_.engine.after(startup_, [this, i, epoch] {
        Replica& again = replicas_[i];
        if (again.epoch != epoch || again.host->up()) return;  // restored or replaced meanwhile
        again.host->turn_on();
        ctx_.timeline->note(ctx_.name(), "replacement ready",
                            label(i) + "'s replacement pod passes its readiness check");
      });
    } else {
      ctx_.timeline->note(ctx_.name(), "replica down", detail + "; it stays down until restored");
    }
    // Whatever its workers held and its backlog queued fails now (after the note, so that what
    // the callers do about it comes after it on the timeline). The caller's session goes back to
    // what it was before this replica's worker took the request.
    r.pool->abandon();
    for (const Held& h : held) {
      if (h.request->session == h.session) h.request->session = h.outer;
      deadlines_.answer(h.id, sim::Outcome::failure(kReplicaDown));
    }
  }

  // Once the worker is ours: CPU, then I/O wait, then nested calls. The first of completion and the
  // timeout answers the caller; the worker is released when the work really ends.
  void serve(Replica& r, sim::Visit v) {
    sim::Deadlines::Id id = deadlines_.begin(std::move(v.done));
    const sim::CallPlan* call = v.call;
    sim::Request* request = v.request;
    // The worker's session: what its calls hold until it is released (see sim::Session).
    auto session = std::make_shared<sim::Session>();
    sim::Session* outer = request->session;
    request->session = session.get();
    unsigned epoch = r.epoch;
    std::size_t key = r.held.add(Held{id, request, session.get(), outer});
    auto finish = [this, &r, id, request, session, outer, epoch, key](sim::Outcome o) {
      for (auto& end : session->on_end) end();
      if (request->session == session.get()) request->session = outer;
      // Killed meanwhile: the caller was answered at the kill and the worker is gone.
      if (r.epoch != epoch) return;
      r.held.remove(key);
      r.pool->release();
      deadlines_.answer(id, o);
    };
    auto nested = [this, &r, epoch, request, call, finish] {
      if (r.epoch != epoch) {
        finish(sim::Outcome::failure(kReplicaDown));  // a dead process makes no more calls
        return;
      }
      ctx_.flow.run_nested(request, *call, finish);
    };
    auto after_cpu = [this, call, nested, finish](bool ok) {
      if (!ok)
        finish(sim::Outcome::failure(kReplicaDown));
      else if (call->has_io)
        ctx_.engine.after(call->io(ctx_.rng), nested);
      else
        nested();
    };
    if (call->has_demand)
      r.host->compute(call->demand(ctx_.rng), after_cpu);
    else
      after_cpu(true);
  }

  sim::ModelContext ctx_;
  sim::Deadlines deadlines_;  // gunicorn's `timeout`
  int workers_ = 1, vcpus_ = 1;
  int next_ = 0;
  int ready_ = 0, desired_ = 0, max_ready_ = 0, ever_ready_ = 0;
  std::uint64_t refused_down_ = 0, failed_at_kill_ = 0;
  bool killed_ever_ = false;
  double startup_ = 0;
  core::TimeWeighted ready_level_;
  double last_busy_ = 0, last_measure_ = 0;
  std::optional<sim::Autoscaler> autoscaler_;
  std::deque<Replica> replicas_;  // stable addresses: visits hold a Replica&
};

}  // namespace

std::unique_ptr<sim::Component> make_app(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<App>(c, c.as<AppParams>(), ctx);
}

}  // namespace capsim::models
