#include "plan/analytic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/queueing.hpp"
#include "models/decisions.hpp"

namespace capsim::plan {

using namespace config;

namespace {

// Per arriving request (classes weighted by share): visits, CPU seconds, and slot-seconds held
// (app workers for the whole call, PgBouncer server connections for a query, job slots for a job).
struct Demands {
  std::vector<double> visits, cpu, held, reads, writes;
};

double mean_of(const std::optional<core::Distribution>& d) {
  return d ? d->mean : 0;
}

class Walker {
 public:
  Walker(const Topology& t) : t_(t) {
    std::size_t n = t.components.size();
    d_.visits.assign(n, 0);
    d_.cpu.assign(n, 0);
    d_.held.assign(n, 0);
    d_.reads.assign(n, 0);
    d_.writes.assign(n, 0);
    front_.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i)
      if (const auto* lb = std::get_if<LoadBalancerSpec>(&t.components[i].spec))
        if (int up = t.index_of(lb->upstream); up >= 0) front_[up] = static_cast<int>(i);
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
    const Component& comp = t_.components[k];
    double d = mean_of(c.demand), io = mean_of(c.io);
    double own = t_.network.rtt;  // one round trip per hop
    d_.visits[k] += p;
    if (top && front_[k] >= 0) {
      const auto& lb = std::get<LoadBalancerSpec>(t_.components[front_[k]].spec);
      d_.cpu[front_[k]] += p * lb.cpu.mean;
      d_.visits[front_[k]] += p;
      own += lb.cpu.mean + t_.network.rtt;
    }
    bool write = c.query == "write" || c.op == "set" || c.op == "upsert" || c.op == "delete" ||
                 c.op == "del" || c.op == "incr" || c.op == "write" || c.op == "publish";
    double hit = c.hit_ratio.value_or(1);
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, PostgresSpec>) {
            d_.cpu[k] += p * d;
            (write ? d_.writes : d_.reads)[k] += p * d;
            own += d;
          } else if constexpr (std::is_same_v<S, PgBouncerSpec>) {
            d_.cpu[k] += p * s.cpu.mean;
            int server = t_.index_of(s.server);
            if (server >= 0) {
              d_.visits[server] += p;
              d_.cpu[server] += p * d;
              (write ? d_.writes : d_.reads)[server] += p * d;
            }
            d_.held[k] += p * (d + t_.network.rtt);
            own += s.cpu.mean + d + t_.network.rtt;
          } else if constexpr (std::is_same_v<S, RedisSpec>) {
            double cost = c.demand ? d : s.op_cost.mean;
            d_.cpu[k] += p * cost;
            own += cost;
            if (c.hit_ratio)
              hit = models::redis_hit_ratio(*c.hit_ratio, s.maxmemory, s.working_set);
          } else if constexpr (std::is_same_v<S, QdrantSpec>) {
            int shards = s.shards > 0 ? s.shards : s.nodes;
            if (write) {
              d_.cpu[k] += p * d * s.replication_factor;
              own += d;
            } else {
              long long per_shard = s.points ? *s.points / std::max(1, shards) : -1;
              double cost = models::qdrant_shard_cost(d, per_shard);
              d_.cpu[k] += p * cost * shards;
              own += cost;
            }
          } else if constexpr (std::is_same_v<S, WorkerQueueSpec>) {
            if (!c.enqueue.empty()) {
              // The broker takes one command; the job runs later on a slot, off the request path.
              if (int b = t_.index_of(s.broker); b >= 0)
                if (const auto* r = std::get_if<RedisSpec>(&t_.components[b].spec))
                  d_.cpu[b] += p * r->op_cost.mean;
              for (const auto& job : t_.jobs)
                if (job.name == c.enqueue) d_.held[k] += p * walk(job.calls, p, false);
            } else {
              d_.cpu[k] += p * d;
              own += d + io;
            }
          } else if constexpr (std::is_same_v<S, StationSpec>) {
            double service = c.demand ? d : s.service.mean;
            d_.cpu[k] += p * service;
            own += service + io;
          } else {  // app: the call's demand is CPU here
            d_.cpu[k] += p * d;
            own += d + io;
          }
        },
        comp.spec);
    double nested = walk(c.calls, p, false);
    double slowest = 0;
    for (const auto& par : c.parallel) slowest = std::max(slowest, call(par, p, false));
    own += nested + slowest;
    if (!c.on_miss.empty() && hit < 1) own += (1 - hit) * walk(c.on_miss, p * (1 - hit), false);
    if (comp.kind == "app") d_.held[k] += p * own;
    return own;
  }

  const Topology& t_;
  Demands d_;
  std::vector<int> front_;
};

int vcpus_of(const Component& c, int fallback) {
  return c.vcpus > 0 ? c.vcpus : fallback;
}

// Erlang C wait of a visit at a c-server station fed `rate` visits/s of `service` seconds each.
double erlang_wait(double rate, double service, int servers) {
  if (rate <= 0 || service <= 0) return 0;
  auto m = core::mmc_metrics(rate, 1 / service, servers);
  return m.mean_wait;
}

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
    double cpu = rps * d.cpu[i], held = rps * d.held[i], visits = rps * d.visits[i];
    // Stateless tiers: N instances of `per` capacity each; losing one leaves N - 1.
    auto stateless = [&](int n, double capacity_each, double load, const char* resource) {
      tp.resource = resource;
      tp.utilisation = n > 0 ? load / (n * capacity_each) : inf;
      double after = n > 1 ? load / ((n - 1) * capacity_each) : inf;
      tp.survives_loss = after < kFailureCeiling;
      tp.loss_note = n <= 1 ? fmt::format("a single {} is a single point of failure", c.kind)
                            : fmt::format("{:.0f}% on the {} survivors", 100 * after, n - 1);
    };
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, AppSpec>) {
            int v = vcpus_of(c, 1);
            int workers = s.workers > 0 ? s.workers : 2 * v + 1;
            double cpu_u = cpu / (s.replicas * v), held_u = held / (s.replicas * workers);
            if (cpu_u >= held_u)
              stateless(s.replicas, v, cpu, "CPU");
            else
              stateless(s.replicas, workers, held, "workers");
            if (visits > 0)
              tp.wait = erlang_wait(visits, d.held[i] / d.visits[i], s.replicas * workers);
          } else if constexpr (std::is_same_v<S, WorkerQueueSpec>) {
            stateless(s.workers, s.concurrency, held, "job slots");
          } else if constexpr (std::is_same_v<S, LoadBalancerSpec>) {
            stateless(s.instances, vcpus_of(c, 1), cpu, "CPU");
          } else if constexpr (std::is_same_v<S, StationSpec>) {
            stateless(s.servers, 1, cpu, "servers");
            if (visits > 0) tp.wait = erlang_wait(visits, d.cpu[i] / d.visits[i], s.servers);
          } else if constexpr (std::is_same_v<S, PgBouncerSpec>) {
            double core = cpu, pool = held / s.default_pool_size;
            stateless(s.instances, 1, std::max(core, pool), core >= pool ? "its one core" : "pool");
            if (visits > 0 && d.held[i] > 0)
              tp.wait =
                  erlang_wait(visits, d.held[i] / d.visits[i], s.instances * s.default_pool_size);
          } else if constexpr (std::is_same_v<S, PostgresSpec>) {
            int v = vcpus_of(c, 2), r = s.read_replicas;
            bool to_replicas = s.reads == "replicas" && r > 0;
            double primary = rps * (d.writes[i] + (to_replicas ? 0 : d.reads[i])) / v;
            double replica = to_replicas ? rps * d.reads[i] / (r * v) : 0;
            tp.utilisation = std::max(primary, replica);
            tp.resource = primary >= replica ? "primary CPU" : "replica CPU";
            // Losing the primary: a replica is promoted; reads then share r - 1 replicas (or
            // the new primary when none is left). Losing a replica is never worse than that.
            if (r == 0) {
              tp.survives_loss = false;
              tp.loss_note = "no replica to promote: a single primary is a single point of failure";
            } else if (s.failover.manager != "patroni") {
              tp.survives_loss = false;
              tp.loss_note = "manual failover: the primary stays down until restored";
            } else {
              bool still = s.reads == "replicas" && r - 1 > 0;
              double p2 = rps * (d.writes[i] + (still ? 0 : d.reads[i])) / v;
              double r2 = still ? rps * d.reads[i] / ((r - 1) * v) : 0;
              double after = std::max(p2, r2);
              tp.survives_loss = after < kFailureCeiling;
              tp.loss_note = fmt::format("{:.0f}% after a promotion", 100 * after);
            }
          } else if constexpr (std::is_same_v<S, RedisSpec>) {
            int threads = s.mode == "cluster" ? s.masters : 1;
            tp.utilisation = cpu / threads;
            tp.resource = "command thread";
            if (visits > 0) tp.wait = erlang_wait(visits / threads, d.cpu[i] / d.visits[i], 1);
            if (s.mode == "standalone" || s.replicas == 0) {
              tp.survives_loss = false;
              tp.loss_note = "no replica to promote: the master is a single point of failure";
            } else if (s.mode == "sentinel" && s.sentinels < 3) {
              tp.survives_loss = false;
              tp.loss_note = "fewer than 3 sentinels: losing one leaves no majority to elect";
            } else {
              tp.loss_note = "a replica is promoted";
            }
          } else if constexpr (std::is_same_v<S, QdrantSpec>) {
            // Only nodes holding a shard replica work: shards are fixed when the collection is
            // created (distributed_deployment.md), so nodes beyond shards x factor stand idle.
            int v = vcpus_of(c, 2);
            int shards = s.shards > 0 ? s.shards : s.nodes;
            int working = std::min(s.nodes, shards * s.replication_factor);
            stateless(working, v, cpu, "CPU");
            // A dead node's shard replicas leave their peers alone with those shards' searches:
            // with factor f a peer takes f / (f - 1) times its load, which for one replica per
            // node (factor 2) doubles it, more than spreading over n - 1 survivors would.
            if (s.replication_factor >= 2 && working > 1) {
              double spread = static_cast<double>(working) / (working - 1);
              double peer = static_cast<double>(s.replication_factor) / (s.replication_factor - 1);
              double after = tp.utilisation * std::max(spread, peer);
              tp.survives_loss = after < kFailureCeiling;
              tp.loss_note =
                  fmt::format("{:.0f}% on the peers of the lost node's shards", 100 * after);
            }
            if (s.replication_factor < 2) {
              tp.survives_loss = false;
              tp.loss_note = "replication_factor 1: a node's shards have no other replica";
            }
          }
        },
        c.spec);
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
