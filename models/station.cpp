// station: c identical servers in front of one FCFS queue (optionally bounded). The generic kind
// for anything the product kinds do not cover, and the one the engine is validated with against
// queueing theory (M/M/c, M/M/c/K, M/D/1, M/G/1).
#include "models/common.hpp"

namespace capsim::models {
namespace {

class Station final : public sim::Component {
 public:
  Station(const config::Component& c, const config::StationSpec& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        service_(spec.service),
        // each server is its own core: service is never processor-shared here
        host_(ctx.engine.add_host(c.name, spec.servers, spec.servers)),
        servers_(ctx.engine, spec.servers, spec.queue_limit) {}

  void handle(sim::Visit v) override {
    servers_.acquire([this, v = std::move(v)](sim::WorkerPool::Result r) mutable {
      if (r != sim::WorkerPool::Result::Granted) {
        v.done(sim::Outcome::failure("queue full"));
        return;
      }
      const sim::CallPlan& call = *v.call;
      double demand = call.has_demand ? call.demand(ctx_.rng) : service_(ctx_.rng);
      host_.compute(demand, [this, v = std::move(v)](bool ok) mutable {
        if (!ok) {
          servers_.release();
          v.done(sim::Outcome::failure("server down"));
          return;
        }
        bool miss = v.call->hit_ratio >= 0 && ctx_.rng.uniform() >= v.call->hit_ratio;
        sim::Request* request = v.request;
        const sim::CallPlan& call = *v.call;
        ctx_.flow.run_nested(request, call, [this, v = std::move(v), miss](sim::Outcome o) {
          servers_.release();
          o.miss = o.ok && miss;
          v.done(o);
        });
      });
    });
  }

  void reset_stats(double now) override { servers_.reset_stats(now); }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.utilisation = servers_.utilisation(now);
    r.mean_queue = servers_.mean_queue(now);
    r.max_queue = servers_.max_queue();
    r.mean_wait = servers_.mean_wait();
    r.throughput = servers_.granted() / std::max(1e-9, now - ctx_.measure_from);
    r.extra["rejected"] = static_cast<double>(servers_.rejected());
    r.turned_away = r.extra["rejected"];
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    out.emplace_back("busy", servers_.busy());
    out.emplace_back("queue", static_cast<double>(servers_.waiting()));
  }

 private:
  sim::ModelContext ctx_;
  sim::Sampler service_;
  sim::Host& host_;
  sim::WorkerPool servers_;
};

}  // namespace

std::unique_ptr<sim::Component> make_station(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Station>(c, std::get<config::StationSpec>(c.spec), ctx);
}

}  // namespace capsim::models
