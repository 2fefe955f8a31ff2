// app: stateless replicas, each a machine with `vcpus` and a fixed number of workers (gunicorn
// sync workers: one request at a time each). Requests wait FCFS for a worker in the listen backlog
// (refused beyond it); a worker's CPU work is processor-shared over the replica's vCPUs, and it
// holds the worker while its nested calls run. A request running longer than `timeout` fails (the
// gunicorn arbiter kills silent workers after `timeout`, default 30 s).
#include <deque>

#include "models/common.hpp"
#include "sim/deadlines.hpp"

namespace capsim::models {
namespace {

class App final : public sim::Component {
 public:
  App(const config::Component& c, const config::AppSpec& spec, sim::ModelContext& ctx)
      : ctx_(ctx), deadlines_(ctx.engine, spec.timeout, "timeout") {
    int vcpus = c.vcpus > 0 ? c.vcpus : 1;
    // gunicorn design docs: workers = 2 x cores + 1 as the starting point
    workers_ = spec.workers > 0 ? spec.workers : 2 * vcpus + 1;
    for (int i = 0; i < spec.replicas; ++i) {
      Replica r{&ctx.engine.add_host(c.name + "[" + std::to_string(i) + "]", vcpus, workers_),
                std::make_unique<sim::WorkerPool>(ctx.engine, workers_, spec.backlog)};
      replicas_.push_back(std::move(r));
    }
  }

  int instances() const override { return static_cast<int>(replicas_.size()); }
  bool instance_up(int i) const override { return replicas_[i].host->up(); }
  int in_flight(int i) const override {
    return replicas_[i].pool->busy() + static_cast<int>(replicas_[i].pool->waiting());
  }

  void handle(sim::Visit v) override {
    int i = next_;
    next_ = (next_ + 1) % instances();
    handle_on(i, std::move(v));
  }

  void handle_on(int i, sim::Visit v) override {
    Replica& r = replicas_[i];
    if (!r.host->up()) {
      v.done(sim::Outcome::failure("connection refused"));
      return;
    }
    r.pool->acquire([this, &r, v = std::move(v)](sim::WorkerPool::Result result) mutable {
      if (result != sim::WorkerPool::Result::Granted) {
        v.done(sim::Outcome::failure("backlog full"));
        return;
      }
      serve(r, std::move(v));
    });
  }

  void reset_stats(double now) override {
    for (auto& r : replicas_) r.pool->reset_stats(now);
    deadlines_.reset_stats();
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport out;
    out.instances = instances();
    double cpu = 0, workers = 0, queue = 0, wait = 0, served = 0, refused = 0, timeouts = 0;
    for (const auto& r : replicas_) {
      cpu += r.host->utilisation(now);
      workers += r.pool->utilisation(now);
      queue += r.pool->mean_queue(now);
      out.max_queue = std::max(out.max_queue, r.pool->max_queue());
      wait += r.pool->mean_wait() * r.pool->granted();
      served += r.pool->granted();
      refused += r.pool->rejected();
    }
    timeouts = static_cast<double>(deadlines_.expired());
    double n = instances();
    out.utilisation = std::max(cpu, workers) / n;
    out.mean_queue = queue;
    out.mean_wait = served > 0 ? wait / served : 0;
    out.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    out.extra["cpu_utilisation"] = cpu / n;
    out.extra["worker_utilisation"] = workers / n;
    out.extra["workers_per_replica"] = workers_;
    out.extra["refused"] = refused;
    out.extra["timeouts"] = timeouts;
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
    out.emplace_back("replicas", instances());
    out.emplace_back("busy_workers", busy);
    out.emplace_back("queue", queue);
  }

 private:
  struct Replica {
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> pool;
  };

  // Once the worker is ours: CPU, then I/O wait, then nested calls. The first of completion and the
  // timeout answers the caller; the worker is released when the work really ends.
  void serve(Replica& r, sim::Visit v) {
    sim::Deadlines::Id id = deadlines_.begin(std::move(v.done));
    const sim::CallPlan* call = v.call;
    sim::Request* request = v.request;
    auto finish = [this, &r, id](sim::Outcome o) {
      r.pool->release();
      deadlines_.answer(id, o);
    };
    auto nested = [this, request, call, finish] { ctx_.flow.run_nested(request, *call, finish); };
    auto after_cpu = [this, call, nested, finish](bool ok) {
      if (!ok)
        finish(sim::Outcome::failure("replica down"));
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
  int workers_ = 1;
  int next_ = 0;
  std::deque<Replica> replicas_;  // stable addresses: visits hold a Replica&
};

}  // namespace

std::unique_ptr<sim::Component> make_app(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<App>(c, std::get<config::AppSpec>(c.spec), ctx);
}

}  // namespace capsim::models
