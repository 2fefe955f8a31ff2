// station: c identical servers in front of one FCFS queue (optionally bounded). The generic kind
// for anything the product kinds do not cover, and the one the engine is validated with against
// queueing theory (M/M/c, M/M/c/K, M/D/1, M/G/1).
//
// Drills: a station is one machine. Killing it takes every server down: what they serve and what
// waits in the queue fails at once ("station down"), and so does every new visit until it is
// restored (a generic station has no failover of its own). `slow` makes service take `factor`
// times longer.
#include "models/common.hpp"
#include "models/station/params.hpp"

namespace capsim::models {
namespace {

constexpr const char* kStationDown = "station down";

class Station final : public sim::Component {
 public:
  Station(const config::Component& c, const StationParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        service_(spec.service),
        // each server is its own core: service is never processor-shared here
        host_(ctx.engine.add_host(c.name, spec.servers, spec.servers)),
        servers_(ctx.engine, spec.servers, spec.queue_limit) {}

  void handle(sim::Visit v) override {
    if (!host_.up()) {
      v.done(sim::Outcome::failure(kStationDown));
      return;
    }
    servers_.acquire([this, v = std::move(v)](sim::WorkerPool::Result r) mutable {
      if (r == sim::WorkerPool::Result::Abandoned) {
        v.done(sim::Outcome::failure(kStationDown));
        return;
      }
      if (r != sim::WorkerPool::Result::Granted) {
        v.done(sim::Outcome::failure("queue full"));
        return;
      }
      const sim::CallPlan& call = *v.call;
      sim::Request* request = v.request;
      double demand = call.has_demand ? call.demand(ctx_.rng) : service_(ctx_.rng);
      // The answer is held here until the work ends, so that a kill can give it at once.
      std::size_t key = held_.add(std::move(v.done));
      unsigned epoch = epoch_;
      host_.compute(demand, [this, request, &call, key, epoch](bool ok) {
        if (epoch != epoch_) return;  // killed meanwhile: answered then
        if (!ok) {
          servers_.release();
          held_.remove(key)(sim::Outcome::failure(kStationDown));
          return;
        }
        bool miss = call.hit_ratio >= 0 && ctx_.rng.uniform() >= call.hit_ratio;
        ctx_.flow.run_nested(request, call, [this, key, epoch, miss](sim::Outcome o) {
          if (epoch != epoch_) return;
          servers_.release();
          o.miss = o.ok && miss;
          held_.remove(key)(o);
        });
      });
    });
  }

  // ---- drills ----
  bool instance_up(int) const override { return host_.up(); }
  std::vector<sim::Placement> placement() const override {
    return {{"", 0, ctx_.zone_of(0), host_.up()}};
  }
  bool supports(sim::FaultKind kind) const override {
    return kind == sim::FaultKind::kill || kind == sim::FaultKind::restore ||
           kind == sim::FaultKind::slow;
  }
  void fault(int, sim::Fault f) override {
    if (f.kind == sim::FaultKind::slow) {
      host_.set_slowdown(f.factor);
    } else if (f.kind == sim::FaultKind::restore && !host_.up()) {
      host_.turn_on();
      ctx_.timeline->note(ctx_.name(), "restored", ctx_.name() + " serves again");
    } else if (f.kind == sim::FaultKind::kill && host_.up()) {
      host_.turn_off();
      ++epoch_;
      auto held = held_.take_all();
      std::size_t queued = servers_.waiting();
      ctx_.timeline->note(ctx_.name(), "station down",
                          ctx_.name() + " dies: " + std::to_string(held.size()) +
                              " visits in service and " + std::to_string(queued) +
                              " queued fail; it stays down until restored");
      servers_.abandon();
      for (auto& done : held) done(sim::Outcome::failure(kStationDown));
    }
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
  sim::Holders<sim::Continuation> held_;
  unsigned epoch_ = 0;  // bumped at each kill: work begun before belongs to the dead machine
};

}  // namespace

std::unique_ptr<sim::Component> make_station(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Station>(c, c.as<StationParams>(), ctx);
}

}  // namespace capsim::models
