#include "plan/analytic.hpp"

#include <algorithm>
#include <limits>

#include "models/registry.hpp"

namespace capsim::plan {

using namespace config;
using models::Demands;

namespace {

double mean_of(const std::optional<core::Distribution>& d) {
  return d ? d->mean : 0;
}

// Walks the call trees, weighting each call by the requests that make it, and accumulates each
// component's demands; each visit's cost is its kind's.
class Walker {
 public:
  explicit Walker(const Topology& t) : t_(t) {
    std::size_t n = t.components.size();
    d_.visits.assign(n, 0);
    d_.cpu.assign(n, 0);
    d_.held.assign(n, 0);
    d_.reads.assign(n, 0);
    d_.writes.assign(n, 0);
    front_.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      const Component& c = t.components[i];
      const auto& kind = models::kind_of(c);
      if (!kind.syntax.references) continue;
      for (const auto& ref : kind.syntax.references(c))
        if (int up = t.index_of(ref.name); ref.fronts && up >= 0) front_[up] = static_cast<int>(i);
    }
  }

  // Accumulates `calls` with weight p; returns their latency without queueing.
  double walk(const std::vector<Call>& calls, double p, bool top) {
    double total = 0;
    for (const auto& c : calls) total += call(c, p, top);
    return total;
  }

  Demands demands;  // filled by run()
  void run() {
    for (const auto& r : t_.requests) walk(r.calls, r.share, true);
    demands = d_;
  }

 private:
  double call(const Call& c, double p, bool top) {
    int k = t_.index_of(c.to);
    if (k < 0) return 0;
    const auto& kind = models::kind_of(t_.components[k]);
    double d = mean_of(c.demand), io = mean_of(c.io);
    double own = t_.network.rtt;  // one round trip per hop
    d_.visits[k] += p;
    if (top && front_[k] >= 0) {
      const Component& front = t_.components[front_[k]];
      const auto& proxy = models::kind_of(front).analytic.proxy_cpu;
      double cpu = proxy ? proxy(front) : 0;
      d_.cpu[front_[k]] += p * cpu;
      d_.visits[front_[k]] += p;
      own += cpu + t_.network.rtt;
    }
    double hit = c.hit_ratio.value_or(1);
    models::AnalyticVisit visit{t_,
                                c,
                                k,
                                p,
                                d,
                                io,
                                is_write(c),
                                hit,
                                own,
                                d_,
                                [this](const std::vector<Call>& calls, double weight) {
                                  return walk(calls, weight, false);
                                },
                                [this](int i) { return command_cost(i); }};
    if (kind.analytic.visit) {
      kind.analytic.visit(visit);
    } else {  // the call's demand is CPU here, its io a wait
      d_.cpu[k] += p * d;
      own += d + io;
    }
    double nested = walk(c.calls, p, false);
    double slowest = 0;
    for (const auto& par : c.parallel) slowest = std::max(slowest, call(par, p, false));
    own += nested + slowest;
    if (!c.on_miss.empty() && hit < 1) own += (1 - hit) * walk(c.on_miss, p * (1 - hit), false);
    if (kind.analytic.holds_workers) d_.held[k] += p * own;
    return own;
  }

  double command_cost(int i) const {
    const Component& c = t_.components[i];
    const auto& cost = models::kind_of(c).analytic.command_cost;
    return cost ? cost(c) : 0;
  }

  const Topology& t_;
  Demands d_;
  std::vector<int> front_;
};

}  // namespace

Prediction predict(const Topology& t, double rps) {
  Walker w(t);
  w.run();
  const Demands& d = w.demands;
  Prediction out;
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < t.components.size(); ++i) {
    const Component& c = t.components[i];
    TierPrediction tp;
    tp.component = static_cast<int>(i);
    models::TierLoad load{
        t, static_cast<int>(i), rps, rps * d.cpu[i], rps * d.held[i], rps * d.visits[i], d};
    if (const auto& predict_tier = models::kind_of(c).analytic.predict) predict_tier(c, load, tp);
    if (tp.utilisation >= 1) tp.wait = inf;
    out.tiers.push_back(tp);
  }
  // Mean response: the no-queueing latency of each class plus the waits of the tiers it visits
  // (each visit's wait, weighted by visits per request).
  Walker lat(t);
  double base = 0;
  for (const auto& r : t.requests) base += r.share * lat.walk(r.calls, r.share, true);
  double waits = 0;
  for (std::size_t i = 0; i < out.tiers.size(); ++i) waits += d.visits[i] * out.tiers[i].wait;
  out.latency = base + waits;
  return out;
}

}  // namespace capsim::plan
