#include "sim/simulation.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "sim/drill.hpp"
#include "sim/engine.hpp"
#include "sim/flow.hpp"

namespace capsim::sim {
namespace {

// Arrivals: a Poisson stream (optionally modulated: MMPP, or by an hourly profile via thinning),
// split over request classes by share.
class ArrivalSource {
 public:
  ArrivalSource(Engine& engine, const LoadSpec& load, const Blueprint& t, Rng rng,
                std::function<void(int cls)> arrive)
      : engine_(engine), load_(load), rng_(rng), arrive_(std::move(arrive)) {
    double total = 0;
    for (const auto& r : t.requests) cumulative_.push_back(total += r.share);
    max_factor_ = 1;
    for (double f : load.hourly) max_factor_ = std::max(max_factor_, f);
    if (load.arrival.process == "mmpp") {
      // Keep the mean: pi_calm * calm + pi_burst * calm * k = 1
      double pb = load.arrival.mean_burst / (load.arrival.mean_burst + load.arrival.mean_calm);
      calm_factor_ = 1 / ((1 - pb) + pb * load.arrival.burst_factor);
      burst_factor_ = calm_factor_ * load.arrival.burst_factor;
      mmpp_ = true;
      switch_at_ = rng_.exponential(load.arrival.mean_calm);
    }
  }

  void start() { schedule(0); }

  // A scenario's traffic change: the rate times `factor` from now on. Gaps are exponential and so
  // memoryless: the pending arrival is dropped and the next one drawn at the new rate.
  void set_factor(double factor) {
    factor_ = factor;
    ++generation_;
    schedule(engine_.now());
  }

 private:
  double state_factor() const { return mmpp_ ? (bursting_ ? burst_factor_ : calm_factor_) : 1; }
  double profile_factor(double now) const {
    if (load_.hourly.empty()) return 1;
    // hours since 00:00, which falls at the end of the warm-up; the warm-up is the evening before
    double day = 3600.0 * load_.hourly.size();
    double since = std::fmod(std::fmod(now - load_.day_starts_at, day) + day, day);
    auto h = static_cast<std::size_t>(since / 3600) % load_.hourly.size();
    return load_.hourly[h];
  }

  void schedule(double now) {
    double bound = load_.rps * max_factor_ * state_factor() * factor_;
    if (bound <= 0) return;
    double next = now + rng_.exponential(1 / bound);
    unsigned generation = generation_;
    if (mmpp_ && next >= switch_at_) {
      // The state changes first; exponential gaps are memoryless, so draw again from there.
      double at = switch_at_;
      bursting_ = !bursting_;
      switch_at_ =
          at + rng_.exponential(bursting_ ? load_.arrival.mean_burst : load_.arrival.mean_calm);
      engine_.at(at, [this, at, generation] {
        if (generation == generation_) schedule(at);
      });
      return;
    }
    engine_.at(next, [this, next, generation] {
      if (generation != generation_) return;
      // thinning against the hourly profile
      if (load_.hourly.empty() || rng_.uniform() * max_factor_ < profile_factor(next)) {
        double u = rng_.uniform() * cumulative_.back();
        int cls = 0;
        while (cls + 1 < static_cast<int>(cumulative_.size()) && u > cumulative_[cls]) ++cls;
        arrive_(cls);
      }
      schedule(next);
    });
  }

  Engine& engine_;
  const LoadSpec& load_;
  Rng rng_;
  std::function<void(int)> arrive_;
  std::vector<double> cumulative_;
  double max_factor_ = 1, calm_factor_ = 1, burst_factor_ = 1, switch_at_ = 0, factor_ = 1;
  unsigned generation_ = 0;
  bool mmpp_ = false, bursting_ = false;
};

}  // namespace

ReplicationResult run_replication(const Blueprint& system, const LoadSpec& load,
                                  const RunSpec& run) {
  auto wall_start = std::chrono::steady_clock::now();
  Engine engine;
  Timeline timeline(engine);
  std::vector<std::unique_ptr<Component>> components;
  Flow flow(engine, system, components);
  double measure_from = run.warmup;
  for (std::size_t i = 0; i < system.components.size(); ++i) {
    const auto& info = system.components[i];
    ModelContext ctx{engine,
                     flow,
                     system,
                     static_cast<int>(i),
                     Rng(mix_seed(run.seed, run.replication, "component:" + info.name)),
                     measure_from,
                     &components,
                     &timeline};
    components.push_back(system.factories.at(i)(ctx));
  }
  engine.seal();
  for (std::size_t i = 0; i < components.size(); ++i)
    if (int target = components[i]->fronts(); target >= 0)
      flow.set_front(target, static_cast<int>(i));

  ReplicationResult result;
  result.replication = run.replication;
  result.seed = run.seed;
  result.duration = run.duration;
  result.classes.resize(system.requests.size());
  for (std::size_t c = 0; c < system.requests.size(); ++c)
    result.classes[c].name = system.requests[c].name;
  std::vector<core::Histogram> interval(system.requests.size(), core::Histogram(0.01));
  std::vector<std::uint64_t> interval_errors(system.requests.size(), 0);

  // Requests live in a deque (stable addresses) and are recycled through a free list, so the ones
  // still in flight when the run ends are freed with it.
  std::deque<Request> request_store;
  std::vector<Request*> free_requests;
  long long in_flight = 0;
  const bool drill = run.drill.scenario != nullptr;
  RequestLog log;
  ArrivalSource source(
      engine, load, system, Rng(mix_seed(run.seed, run.replication, "arrivals")), [&](int cls) {
        double now = engine.now();
        bool measured = now >= measure_from;
        ClassResult& stats = result.classes[cls];
        if (measured) ++stats.arrived;
        if (in_flight >= run.max_in_flight) {
          if (measured) {
            ++stats.failed;
            ++stats.errors["shed: simulation in-flight cap"];
            ++result.shed;
          }
          return;
        }
        ++in_flight;
        result.peak_in_flight = std::max<std::uint64_t>(result.peak_in_flight, in_flight);
        Request* request;
        if (free_requests.empty()) {
          request = &request_store.emplace_back();
        } else {
          request = free_requests.back();
          free_requests.pop_back();
        }
        *request = Request{cls, -1, now, system.requests[cls].idempotent, measured};
        flow.run_request(request, system.requests[cls].calls, [&, request](Outcome o) {
          --in_flight;
          if (drill && request->measured)
            log.add(request->start - measure_from, engine.now() - request->start, request->cls,
                    o.ok ? nullptr : (o.cause ? o.cause : "error"));
          if (request->measured) {
            ClassResult& s = result.classes[request->cls];
            if (o.ok) {
              ++s.completed;
              double latency = engine.now() - request->start;
              s.latency.add(latency);
              interval[request->cls].add(latency);
            } else {
              ++s.failed;
              ++s.errors[o.cause ? o.cause : "error"];
              ++interval_errors[request->cls];
            }
          }
          free_requests.push_back(request);
        });
      });
  source.start();
  std::optional<ScenarioRunner> scenario;
  if (drill) {
    // Jobs are logged as classes after the request classes ("job <name>"): a job that fails for
    // good is an error too, seen later.
    const int job_class = static_cast<int>(system.requests.size());
    timeline.set_job_log([&log, job_class, measure_from](int job, double enqueued, double latency,
                                                         const char* cause) {
      log.add(enqueued - measure_from, latency, job_class + job, cause);
    });
    scenario.emplace(engine, system, components, timeline,
                     [&source](double f) { source.set_factor(f); });
    scenario->schedule(*run.drill.scenario, measure_from);
  }

  engine.run_until(measure_from);
  for (auto& c : components) c->reset_stats(engine.now());
  for (auto& h : engine.hosts()) h->reset_stats(engine.now());
  for (auto& h : interval) h.reset();

  double end = measure_from + run.duration;
  double step = run.timeseries && run.sample_interval > 0 ? run.sample_interval : run.duration;
  std::vector<Sample> samples;
  for (double t = measure_from + step; t <= end + 1e-9; t += step) {
    engine.run_until(t);
    if (!run.timeseries) continue;
    double rel = t - measure_from;
    for (std::size_t i = 0; i < components.size(); ++i) {
      samples.clear();
      components[i]->sample(samples, engine.now());
      for (auto& [metric, value] : samples)
        result.timeseries.push_back({rel, system.components[i].name, metric, value});
    }
    for (std::size_t c = 0; c < interval.size(); ++c) {
      const std::string& name = system.requests[c].name;
      result.timeseries.push_back({rel, name, "throughput", interval[c].count() / step});
      result.timeseries.push_back({rel, name, "p95", interval[c].quantile(0.95)});
      result.timeseries.push_back({rel, name, "errors", interval_errors[c] / step});
      interval[c].reset();
      interval_errors[c] = 0;
    }
  }
  engine.run_until(end);
  for (std::size_t i = 0; i < components.size(); ++i)
    result.components.push_back({system.components[i].name, system.components[i].kind,
                                 components[i]->report(engine.now())});
  if (drill) {
    // Requests still waiting at the end: a minute or more without an answer counts as a failure
    // (whatever the client's timeout); younger ones are left out, their fate unknown.
    std::unordered_set<const Request*> free_set(free_requests.begin(), free_requests.end());
    for (const Request& r : request_store)
      if (!free_set.count(&r) && r.cls >= 0 && r.measured && end - r.start >= 60)
        log.add(r.start - measure_from, end - r.start, r.cls,
                "no response by the end of the drill");
    std::vector<std::string> names;
    for (const auto& r : system.requests) names.push_back(r.name);
    for (const auto& j : system.jobs) names.push_back("job " + j.name);
    double fault_at = run.drill.scenario->actions.empty() ? 0 : run.drill.scenario->actions[0].at;
    result.drill = analyse_drill(log, names, run.drill.rule, fault_at, run.duration, load.rps);
    for (const auto& e : timeline.events())
      result.drill->events.push_back({e.time - measure_from, e.component, e.event, e.detail});
    result.drill->lost_writes = timeline.lost_write_count();
    result.drill->lost_lag = timeline.lost_lag();
  }
  result.events = engine.events();
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace capsim::sim
