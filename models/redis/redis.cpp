// redis: standalone, sentinel or cluster. Each master executes commands one at a time on a single
// thread ("mostly single-threaded", docs/SEMANTICS.md 2.3, RD benchmarks/index.md), so a master is
// an FCFS single server whose per-command cost defaults to 1/180,000 s (docs/SEMANTICS.md 2.3:
// redis-benchmark SET 180k rps without pipelining; config/topology.hpp RedisSpec::op_cost). A
// cluster spreads keys over its masters by hash slot: 16384 slots (docs/SEMANTICS.md 2.2, RD
// cluster-spec.md) in contiguous near-equal ranges, so uniformly. Commands go to masters: Sentinel
// clients talk to the master it names (RD sentinel-clients.md) and cluster replicas serve nothing
// unless a client sends READONLY, so replicas only serve once promoted. A cache call with
// `hit_ratio` misses with probability 1 - hit_ratio; when the working set exceeds maxmemory, only
// the fraction that fits can hit (redis_hit_ratio).
//
// Failover (drills). Instances: the masters, then the replicas (replica r of master m is instance
// masters + m * replicas + r), then, in sentinel mode, the sentinels; each is placed round-robin
// over the zones by its index within that list (sentinels by their own index). A node that is
// killed or partitioned away is unreachable to the clients and to the majority alike (the clients
// are taken to be on the majority's side, so a partitioned master's own writes are not modelled).
//
// - Standalone: nothing fails over; every command fails until the node is restored.
// - Sentinel (docs/SEMANTICS.md 2.1): every sentinel PINGs the master every second; one whose
// oldest
//   unanswered PING is older than down-after-milliseconds flags SDOWN on its next 100 ms timer
//   tick; once `quorum` sentinels agree (they ask each other every second) the master is ODOWN; a
//   failover starts 0-1 s later (SENTINEL_MAX_DESYNC) and needs a leader elected by max(quorum, a
//   majority of ALL configured sentinels), so a minority partition never fails over; a failed
//   attempt is retried 2 x failover-timeout after it started. The leader promotes the best replica
//   (here the lowest-numbered one that is up, standing in for priority and replication offset),
//   confirmed by INFO within a second, then kills the clients' connections so that they re-resolve
//   the master. Every command fails from the fault until then.
// - Cluster (docs/SEMANTICS.md 2.2): each other master flags PFAIL node_timeout after its first
//   unanswered ping; once a majority of all masters flag it, it is FAIL (spread by gossip within a
//   second); its best replica starts an election 500 ms + 0-500 ms + rank x 1 s later and wins with
//   the votes of a majority of masters. Commands to the dead master's slots fail until FAIL; from
//   FAIL until the promotion, with cluster-require-full-coverage yes, every node answers
//   CLUSTERDOWN. A master that can reach fewer than a majority of masters answers CLUSTERDOWN too
//   (the minority side refuses writes after NODE_TIMEOUT).
// Replication is asynchronous: writes the dead master acknowledged within one replication lag
// before it died are lost when a replica is promoted (docs/SEMANTICS.md 2.1 last row, 2.2 "writes
// in flight can be lost").
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "models/common.hpp"
#include "models/redis/params.hpp"
#include "models/redis/rules.hpp"

namespace capsim::models {
namespace {

// What failed commands report (static strings: sim::Outcome keeps the pointer).
constexpr const char* kRedisDown = "redis down";
constexpr const char* kMasterUnreachable = "redis master unreachable";
constexpr const char* kNodeUnreachable = "redis cluster: node unreachable";
// The error text a cluster node answers with while its state is FAIL (RC src/cluster.c,
// CLUSTER_REDIR_DOWN_STATE; docs/SEMANTICS.md 2.2, redis.io .../errors/common/clusterdown/).
constexpr const char* kClusterDown = "CLUSTERDOWN The cluster is down";

// Sentinel's periods (docs/SEMANTICS.md 2.1: RC src/sentinel.c lines 62-67).
constexpr double kPingPeriod = 1.0;  // SENTINEL_PING_PERIOD: the first unanswered PING is 0-1 s in
constexpr double kAskPeriod = 1.0;   // SENTINEL_ASK_PERIOD: is-master-down-by-addr, every second
// SDOWN is checked in sentinelTimer, run server.hz times a second: 10 by default, which Sentinel
// randomises to 10-19 per call, so ticks are at most 100 ms apart; taken as every 100 ms.
constexpr double kTimerTick = 0.1;
constexpr double kMaxDesync = 1.0;  // SENTINEL_MAX_DESYNC: failover_start_time = now + rand()%1000
// From SLAVEOF NO ONE to the leader seeing the replica report role:master in INFO, which it asks
// every second during a failover: 0-1 s (docs/SEMANTICS.md 2.1: observed ODOWN -> promoted ~1.05 s,
// which is this plus the 0-1 s desync).
constexpr double kPromotionConfirm = 1.0;

// Redis Cluster (docs/SEMANTICS.md 2.2, RD cluster-spec.md).
// A node pings others every second (clusterCron); the first ping the dead node leaves unanswered
// is taken to go out within a second of the fault, as docs/SEMANTICS.md 2.2's derived 16-18 s
// assumes. (A node not pinged for node_timeout/2 is pinged at once, so in large clusters it can be
// later.)
constexpr double kClusterPingPeriod = 1.0;
constexpr double kGossipDelay = 1.0;    // failure reports ride on the next ping/pong: 0-1 s
constexpr double kElectionFixed = 0.5;  // DELAY = 500 ms + random(0-500 ms) + rank x 1000 ms
constexpr double kElectionRandom = 0.5;
constexpr double kElectionRank = 1.0;
constexpr double kFailUndoMult = 2;  // CLUSTER_FAIL_UNDO_TIME_MULT (RC src/cluster_legacy.c
                                     // clearNodeFailureIfNeeded): a master back with its slots
                                     // clears FAIL only 2 x node_timeout after it was set

class Redis final : public sim::Component {
 public:
  Redis(const config::Component& c, const RedisParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        op_cost_(spec.op_cost),
        protocol_(protocol_stream(ctx.rng)),
        // Replication is asynchronous and Redis documents no lag figure. Assumed: a write
        // reaches the replicas within one network round trip after the master acknowledged it
        // (the master feeds the replication stream as it replies to the client), at least 1 ms
        // when the topology gives no round trip.
        replication_lag_(std::max(ctx.system.network.rtt, 0.001)),
        replicated_(spec.replicas > 0 && spec.mode != "standalone") {
    int masters = std::max(1, spec.masters);
    for (int i = 0; i < masters * (1 + spec.replicas); ++i) {
      Node n;
      n.shard = i < masters ? i : (i - masters) / spec.replicas;
      std::string name = i < masters ? c.name + ".master[" + std::to_string(i) + "]"
                                     : c.name + ".replica[" + std::to_string(i - masters) + "]";
      n.name = name;
      n.host = &ctx.engine.add_host(name, 1, 1);
      n.thread = std::make_unique<sim::WorkerPool>(ctx.engine, 1);
      nodes_.push_back(std::move(n));
    }
    for (int m = 0; m < masters; ++m) {
      Shard s;
      s.master = s.last_master = m;
      s.pfail.assign(static_cast<std::size_t>(masters), 0);
      s.sdown.assign(static_cast<std::size_t>(spec.sentinels), 0);
      shards_.push_back(std::move(s));
    }
    clusterdown_.assign(static_cast<std::size_t>(masters), 0);
    if (spec.mode == "sentinel")
      for (int k = 0; k < spec.sentinels; ++k)
        sentinels_.push_back({true, 0, protocol_.uniform() * kTimerTick});
    if (masters > 1) {
      slot_owner_.resize(kRedisClusterSlots);
      for (int s = 0; s < kRedisClusterSlots; ++s)
        slot_owner_[s] = redis_master_for_slot(s, masters);
    }
  }

  // Every redis-server process: the masters and `replicas` replicas of each (sentinels are not
  // counted: they usually share the data nodes' machines).
  int instances() const override { return static_cast<int>(nodes_.size()); }
  bool instance_up(int i) const override { return nodes_[i].up; }

  void handle(sim::Visit v) override {
    // A key's slot is uniform over the 16384 (CRC16 of the key, RD cluster-spec.md); its master
    // owns the slot's range.
    int sh = shards_.size() == 1 ? 0 : slot_owner_[ctx_.rng.below(kRedisClusterSlots)];
    if (const char* refused = refusal(sh)) {
      v.done(sim::Outcome::failure(refused));
      return;
    }
    Node& n = nodes_[shards_[sh].master];
    n.thread->acquire([this, &n, v = std::move(v)](sim::WorkerPool::Result) mutable {
      double cost = v.call->has_demand ? v.call->demand(ctx_.rng) : op_cost_(ctx_.rng);
      n.host->compute(cost, [this, &n, v = std::move(v)](bool ok) {
        n.thread->release();
        ++ops_;
        if (!ok) {  // the node died under the command
          v.done(sim::Outcome::failure(down_cause()));
          return;
        }
        if (replicated_ && v.call->write) acknowledged(n);
        sim::Outcome o;
        if (v.call->hit_ratio >= 0) {
          double ratio = redis_hit_ratio(v.call->hit_ratio, spec_.maxmemory, spec_.working_set);
          o.miss = ctx_.rng.uniform() >= ratio;
          o.miss ? ++misses_ : ++hits_;
        }
        v.done(o);
      });
    });
  }

  // The data nodes in their current roles (the master of shard m is "master" index m; the others
  // are "replica" in node order), then the sentinels.
  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    int replica = 0;
    for (int i = 0; i < instances(); ++i) {
      const Node& n = nodes_[static_cast<std::size_t>(i)];
      bool master = shards_[n.shard].master == i;
      out.push_back(
          {master ? "master" : "replica", master ? n.shard : replica++, ctx_.zone_of(i), n.up});
    }
    for (std::size_t k = 0; k < sentinels_.size(); ++k)
      out.push_back(
          {"sentinel", static_cast<int>(k), ctx_.zone_of(static_cast<int>(k)), sentinels_[k].up});
    return out;
  }

  bool supports(sim::FaultKind) const override { return true; }

  void fault(int i, sim::Fault f) override {
    bool sentinel = i >= instances();
    int k = i - instances();
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        sentinel ? sentinel_down(k) : node_down(i);
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        sentinel ? sentinel_up(k) : node_up(i);
        break;
      case sim::FaultKind::slow:
        // A slow sentinel still answers within its periods: only data nodes slow down.
        if (!sentinel) nodes_[i].host->set_slowdown(f.factor);
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& n : nodes_) n.thread->reset_stats(now);
    ops_ = hits_ = misses_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double served = 0, wait = 0;
    for (const auto& n : nodes_) {
      r.utilisation = std::max(r.utilisation, n.thread->utilisation(now));
      r.mean_queue += n.thread->mean_queue(now);
      r.max_queue = std::max(r.max_queue, n.thread->max_queue());
      served += static_cast<double>(n.thread->granted());
      wait += n.thread->mean_wait() * static_cast<double>(n.thread->granted());
    }
    r.mean_wait = served > 0 ? wait / served : 0;
    r.throughput = ops_ / std::max(1e-9, now - ctx_.measure_from);
    if (hits_ + misses_ > 0) r.extra["hit_ratio"] = static_cast<double>(hits_) / (hits_ + misses_);
    r.extra["masters"] = masters();
    r.extra["replicas"] = masters() * spec_.replicas;  // all replicas, over every master
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double queue = 0;
    for (const auto& n : nodes_) queue += static_cast<double>(n.thread->waiting());
    out.emplace_back("queue", queue);
  }

 private:
  struct Node {
    std::string name;  // by the role it started in: "cache.master[0]", "cache.replica[1]"
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> thread;
    int shard = 0;     // the master (slot range) whose data it holds
    bool up = true;    // running and reachable
    unsigned gen = 0;  // bumped when it goes down or comes back: its own timers check it
    std::deque<double> acknowledged;  // writes acknowledged as master, within the replication lag
  };
  // One master's data set: its current master node and where its failure detection stands.
  struct Shard {
    int master = 0;       // the node serving it
    int last_master = 0;  // the node that served it before the last failover
    bool down = false;    // the master is unreachable
    unsigned epoch = 0;   // bumped when the outage ends (restored or promoted): stale timers check
    std::uint64_t lost = 0;  // writes acknowledged within the lag before the master died
    // Sentinel
    std::vector<char> sdown;  // per sentinel: it flags the master SDOWN
    bool odown = false, odown_pending = false, failover_running = false, retry_armed = false;
    bool quorum_noted = false;
    double next_attempt = -std::numeric_limits<double>::infinity();
    // Cluster
    std::vector<char> pfail;  // per master (by shard): that master flags this one PFAIL
    bool failed = false, fail_pending = false, electing = false;
    double failed_at = 0;
  };
  struct Sentinel {
    bool up = true;
    unsigned gen = 0;
    double tick_phase = 0;  // its 100 ms timer fires at tick_phase + k x 0.1 s
  };

  // Failover timers draw from their own stream, seeded without consuming the component's: a drill's
  // protocol timings do not depend on the load, and runs without faults are unchanged.
  static sim::Rng protocol_stream(sim::Rng copy) {
    return sim::Rng(copy.next() ^ 0x5e9f1d2c3b4a5968ULL);
  }

  int masters() const { return static_cast<int>(shards_.size()); }
  int majority_of_masters() const { return masters() / 2 + 1; }
  bool sentinel_mode() const { return spec_.mode == "sentinel"; }
  bool cluster_mode() const { return spec_.mode == "cluster"; }
  const std::string& name() const { return ctx_.name(); }
  double now() const { return ctx_.engine.now(); }
  std::string shard_name(int sh) const { return name() + ".master[" + std::to_string(sh) + "]"; }
  std::string sentinel_name(int k) const { return name() + ".sentinel[" + std::to_string(k) + "]"; }

  const char* down_cause() const {
    return cluster_mode() ? kNodeUnreachable : sentinel_mode() ? kMasterUnreachable : kRedisDown;
  }

  // Why a command for shard `sh` is refused now, or nullptr when its master takes it.
  const char* refusal(int sh) const {
    const Shard& s = shards_[sh];
    if (!nodes_[s.master].up) {
      // A cluster client whose node does not answer asks another for the slot map; once the
      // master is FAIL and the cluster requires full coverage, that node answers CLUSTERDOWN.
      if (cluster_mode() && s.failed && spec_.require_full_coverage) return kClusterDown;
      return down_cause();
    }
    if (cluster_mode() && clusterdown_[sh]) return kClusterDown;
    return nullptr;
  }

  void acknowledged(Node& n) {
    double t = now();
    n.acknowledged.push_back(t);
    while (!n.acknowledged.empty() && n.acknowledged.front() < t - replication_lag_)
      n.acknowledged.pop_front();
  }

  int best_replica(int sh) const {
    for (int i = 0; i < instances(); ++i)
      if (nodes_[i].shard == sh && i != shards_[sh].master && nodes_[i].up) return i;
    return -1;
  }

  // ---- data nodes -----------------------------------------------------------------------------

  void node_down(int i) {
    Node& n = nodes_[i];
    if (!n.up) return;
    n.up = false;
    ++n.gen;
    n.host->turn_off();
    int sh = n.shard;
    Shard& s = shards_[sh];
    if (s.master != i) {
      n.acknowledged.clear();
      return;
    }
    // Acknowledged but possibly not yet on a replica: lost if a replica takes over.
    double t = now();
    s.lost = 0;
    for (double a : n.acknowledged) s.lost += a >= t - replication_lag_;
    n.acknowledged.clear();
    s.down = true;
    if (sentinel_mode()) {
      sentinel_master_lost(sh);
    } else if (cluster_mode()) {
      cluster_master_lost(sh);
      // This master no longer pings anyone: its own PFAIL flags stop counting.
      update_cluster_state();
    } else {
      ctx_.timeline->note(name(), "no failover",
                          "standalone redis: every command fails until the node is restored");
    }
  }

  void node_up(int i) {
    Node& n = nodes_[i];
    if (n.up) return;
    n.up = true;
    ++n.gen;
    n.host->turn_on();
    int sh = n.shard;
    Shard& s = shards_[sh];
    if (s.master == i) {
      s.down = false;
      if (cluster_mode() && s.failed) {
        cluster_master_back_while_failed(sh);
      } else {
        ++s.epoch;
        reset_detection(s);
        ctx_.timeline->note(name(), "recovered",
                            n.name + (sentinel_mode()  ? " is back before any failover: it is "
                                                         "still the master (the sentinels clear "
                                                         "SDOWN)"
                                      : cluster_mode() ? " is back before it was marked FAIL: it "
                                                         "is still the master (PFAIL clears at "
                                                         "its next PONG)"
                                                       : " is back: commands succeed again"));
      }
      if (cluster_mode()) cluster_observer_back(sh);
      return;
    }
    if (i == s.last_master && s.last_master != s.master)
      ctx_.timeline->note(
          name(), "rejoined",
          n.name + " (the old master) rejoins as a replica of " + nodes_[s.master].name +
              (sentinel_mode() ? " (Sentinel reconfigures it with REPLICAOF)"
                               : " (the cluster's UPDATE message turns it into a replica)") +
              "; its unreplicated writes are discarded");
    // A replica back may make a failover possible again.
    if (s.down && sentinel_mode()) sentinel_progress(sh);
    if (s.down && cluster_mode() && s.failed && !s.electing) cluster_elect(sh);
  }

  void reset_detection(Shard& s) {
    std::fill(s.sdown.begin(), s.sdown.end(), 0);
    std::fill(s.pfail.begin(), s.pfail.end(), 0);
    s.odown = s.odown_pending = s.failover_running = s.retry_armed = s.quorum_noted = false;
    s.failed = s.fail_pending = s.electing = false;
  }

  // The promoted replica serves the shard; the clients move to it.
  void promote(int sh, int replica, const std::string& how) {
    Shard& s = shards_[sh];
    s.last_master = s.master;
    s.master = replica;
    s.down = false;
    ++s.epoch;
    reset_detection(s);
    // A successful failover resets the master's failover state (RC src/sentinel.c
    // sentinelResetMaster: failover_start_time = 0), so a next failure is not locked out.
    s.next_attempt = -std::numeric_limits<double>::infinity();
    nodes_[replica].acknowledged.clear();
    ctx_.timeline->note(name(), "promoted", nodes_[replica].name + " is the master now " + how);
    if (nodes_[s.last_master].up)  // back meanwhile: it is told to replicate the new master
      ctx_.timeline->note(name(), "rejoined",
                          nodes_[s.last_master].name + " steps down to a replica of " +
                              nodes_[replica].name + "; its unreplicated writes are discarded");
    if (replicated_) {
      ctx_.timeline->lost_writes(s.lost, replication_lag_);
      ctx_.timeline->note(name(), "writes lost",
                          std::to_string(s.lost) + " writes " + nodes_[s.last_master].name +
                              " acknowledged within the replication lag (" +
                              fmt_seconds(replication_lag_) +
                              ", assumed one round trip) never reached a replica");
    }
    s.lost = 0;
    ctx_.timeline->note(
        name(), "clients reconnected",
        sentinel_mode()
            ? "Sentinel kills the clients' connections (CLIENT KILL TYPE normal); they ask it "
              "for the master again and reconnect to " +
                  nodes_[replica].name
            : "clients follow the MOVED redirection to " + nodes_[replica].name +
                  " and refresh their slot map");
    if (cluster_mode()) update_cluster_state();
  }

  // ---- Sentinel -------------------------------------------------------------------------------

  int sentinels_up() const {
    int up = 0;
    for (const auto& k : sentinels_) up += k.up;
    return up;
  }
  int sentinels_seeing(const Shard& s) const {
    int seeing = 0;
    for (std::size_t k = 0; k < sentinels_.size(); ++k) seeing += sentinels_[k].up && s.sdown[k];
    return seeing;
  }

  void sentinel_master_lost(int sh) {
    if (sentinels_up() == 0) {
      ctx_.timeline->note(name(), "no failover",
                          "no sentinel is up to notice: commands fail until the master is back");
      return;
    }
    for (int k = 0; k < static_cast<int>(sentinels_.size()); ++k)
      if (sentinels_[k].up) schedule_sdown(sh, k);
  }

  // SDOWN: the sentinel's oldest unanswered PING (its next PING after the fault, 0-1 s in) is
  // older than down-after-milliseconds (strictly: elapsed > down_after, sentinelCheckSubjectively
  // Down), checked on its next timer tick (docs/SEMANTICS.md 2.1 rows 1-2).
  void schedule_sdown(int sh, int k) {
    Sentinel& sen = sentinels_[k];
    double ping = now() + protocol_.uniform() * kPingPeriod;
    double due = ping + spec_.down_after;
    double tick = sen.tick_phase + std::ceil((due - sen.tick_phase) / kTimerTick) * kTimerTick;
    if (tick <= due) tick += kTimerTick;
    unsigned epoch = shards_[sh].epoch, gen = sen.gen;
    ctx_.engine.at(tick, [this, sh, k, epoch, gen] {
      Shard& s = shards_[sh];
      if (epoch != s.epoch || gen != sentinels_[k].gen || !s.down) return;
      s.sdown[k] = 1;
      ctx_.timeline->note(name(), "sdown",
                          sentinel_name(k) + ": +sdown " + nodes_[s.master].name +
                              " (no valid reply to PING for down-after-milliseconds " +
                              fmt_seconds(spec_.down_after) + ")");
      sentinel_progress(sh);
    });
  }

  // Moves the failure handling on as far as the sentinels' current state allows.
  void sentinel_progress(int sh) {
    Shard& s = shards_[sh];
    if (!s.down || s.failover_running) return;
    int seeing = sentinels_seeing(s);
    if (s.odown && seeing < spec_.quorum) s.odown = false;  // reports lapsed (sentinels lost)
    unsigned epoch = s.epoch;
    if (!s.odown) {
      if (seeing >= spec_.quorum) {
        if (s.odown_pending) return;
        // The sentinel learns the others' view from their replies to is-master-down-by-addr,
        // asked every second (docs/SEMANTICS.md 2.1 row 2: ask period 1 s).
        s.odown_pending = true;
        ctx_.engine.after(protocol_.uniform() * kAskPeriod, [this, sh, epoch] {
          Shard& s = shards_[sh];
          if (epoch != s.epoch) return;
          s.odown_pending = false;
          int seeing = sentinels_seeing(s);
          if (seeing >= spec_.quorum && !s.odown) {
            s.odown = true;
            ctx_.timeline->note(name(), "odown",
                                "+odown " + nodes_[s.master].name + " #quorum " +
                                    std::to_string(seeing) + "/" + std::to_string(spec_.quorum));
          }
          sentinel_progress(sh);
        });
        return;
      }
      // Every sentinel that can see the master has flagged it, and they are too few.
      bool all = true;
      for (std::size_t k = 0; k < sentinels_.size(); ++k)
        if (sentinels_[k].up && !s.sdown[k]) all = false;
      if (all && !s.quorum_noted) {
        s.quorum_noted = true;
        ctx_.timeline->note(
            name(), "no failover",
            "only " + std::to_string(seeing) + " of " + std::to_string(sentinels_.size()) +
                " sentinels are up to flag the master SDOWN: ODOWN needs the quorum of " +
                std::to_string(spec_.quorum) + ", so no failover starts");
      }
      return;
    }
    // ODOWN. No new attempt within 2 x failover-timeout of the previous one's start
    // (docs/SEMANTICS.md 2.1: sentinelStartFailoverIfNeeded).
    if (now() < s.next_attempt) {
      if (s.retry_armed) return;
      s.retry_armed = true;
      ctx_.engine.at(s.next_attempt, [this, sh, epoch] {
        Shard& s = shards_[sh];
        if (epoch != s.epoch) return;
        s.retry_armed = false;
        sentinel_progress(sh);
      });
      return;
    }
    s.failover_running = true;
    double start = now() + protocol_.uniform() * kMaxDesync;  // docs/SEMANTICS.md 2.1 row 4
    s.next_attempt = start + 2 * spec_.failover_timeout;
    ctx_.engine.at(start, [this, sh, epoch] {
      if (epoch == shards_[sh].epoch) sentinel_elect(sh);
    });
  }

  // The leader needs the votes of max(quorum, a majority of all configured sentinels)
  // (docs/SEMANTICS.md 2.1 row 3; RC src/sentinel.c sentinelGetLeader: voters_quorum = voters/2+1).
  void sentinel_elect(int sh) {
    Shard& s = shards_[sh];
    int total = static_cast<int>(sentinels_.size());
    int voters = sentinels_up();
    int needed = std::max(spec_.quorum, total / 2 + 1);
    auto retry = [this, sh](const std::string& why) {
      Shard& s = shards_[sh];
      ctx_.timeline->note(name(), "no failover",
                          why + "; next attempt at 2 x failover-timeout (" +
                              fmt_seconds(2 * spec_.failover_timeout) + ") after this one");
      s.failover_running = false;
      sentinel_progress(sh);
    };
    if (voters < needed) {
      retry("only " + std::to_string(voters) + " of " + std::to_string(total) +
            " sentinels can vote: a leader needs " + std::to_string(needed) +
            " (a majority of all " + std::to_string(total) + " sentinels and at least the quorum)");
      return;
    }
    int leader = -1;
    for (int k = 0; k < total && leader < 0; ++k)
      if (sentinels_[k].up && s.sdown[k]) leader = k;
    for (int k = 0; k < total && leader < 0; ++k)  // those that saw it went down meanwhile
      if (sentinels_[k].up) leader = k;
    ctx_.timeline->note(name(), "elected",
                        sentinel_name(leader) + " is the failover leader with " +
                            std::to_string(voters) + " of " + std::to_string(total) +
                            " votes (needs " + std::to_string(needed) + ")");
    int best = best_replica(sh);
    if (best < 0) {
      retry("-failover-abort-no-good-slave: no replica is up to promote");
      return;
    }
    unsigned epoch = s.epoch, leader_gen = sentinels_[leader].gen, best_gen = nodes_[best].gen;
    ctx_.engine.after(protocol_.uniform() * kPromotionConfirm,
                      [this, sh, epoch, leader, leader_gen, best, best_gen] {
                        Shard& s = shards_[sh];
                        if (epoch != s.epoch) return;
                        if (sentinels_[leader].gen != leader_gen || nodes_[best].gen != best_gen) {
                          s.failover_running = false;
                          ctx_.timeline->note(name(), "no failover",
                                              "the failover was interrupted (its leader or the "
                                              "chosen replica went down); it will be retried");
                          sentinel_progress(sh);
                          return;
                        }
                        promote(sh, best, "(SLAVEOF NO ONE, confirmed by INFO; +switch-master)");
                      });
  }

  void sentinel_down(int k) {
    Sentinel& sen = sentinels_[k];
    if (!sen.up) return;
    sen.up = false;
    ++sen.gen;
    for (int sh = 0; sh < masters(); ++sh) {
      shards_[sh].sdown[k] = 0;
      sentinel_progress(sh);
    }
  }

  void sentinel_up(int k) {
    Sentinel& sen = sentinels_[k];
    if (sen.up) return;
    sen.up = true;
    ++sen.gen;
    for (int sh = 0; sh < masters(); ++sh) {
      shards_[sh].quorum_noted = false;
      if (shards_[sh].down) schedule_sdown(sh, k);
    }
  }

  // ---- Redis Cluster --------------------------------------------------------------------------

  // Master j (by shard) is a voter/observer while its master node is up.
  bool observer_up(int j) const { return nodes_[shards_[j].master].up; }

  void cluster_master_lost(int sh) {
    for (int j = 0; j < masters(); ++j)
      if (j != sh && observer_up(j)) schedule_pfail(sh, j);
  }

  // PFAIL: master j's ping to the dead master has been pending longer than node_timeout; its
  // first unanswered ping goes out within a second of the fault (docs/SEMANTICS.md 2.2 rows 1-2).
  void schedule_pfail(int sh, int j) {
    Shard& s = shards_[sh];
    unsigned epoch = s.epoch, gen = nodes_[shards_[j].master].gen;
    int observer = shards_[j].master;
    double at = now() + protocol_.uniform() * kClusterPingPeriod + spec_.node_timeout;
    ctx_.engine.at(at, [this, sh, j, epoch, gen, observer] {
      Shard& s = shards_[sh];
      if (epoch != s.epoch || !s.down || nodes_[observer].gen != gen ||
          shards_[j].master != observer)
        return;
      s.pfail[j] = 1;
      ctx_.timeline->note(name(), "pfail",
                          nodes_[observer].name + " flags " + nodes_[s.master].name +
                              " PFAIL (no PONG for cluster-node-timeout " +
                              fmt_seconds(spec_.node_timeout) + ")");
      update_cluster_state();
      cluster_check_fail(sh);
    });
  }

  int pfail_reports(const Shard& s) const {
    int n = 0;
    for (int j = 0; j < masters(); ++j) n += s.pfail[j] && observer_up(j);
    return n;
  }

  // FAIL once a majority of ALL masters flag it (the dead one counts in the size but cannot
  // report), known to the others through gossip within a ping period (docs/SEMANTICS.md 2.2 row 2).
  // Reports count while their sender is up (Redis keeps them 2 x node_timeout).
  void cluster_check_fail(int sh) {
    Shard& s = shards_[sh];
    if (s.failed || s.fail_pending || pfail_reports(s) < majority_of_masters()) return;
    s.fail_pending = true;
    unsigned epoch = s.epoch;
    ctx_.engine.after(protocol_.uniform() * kGossipDelay, [this, sh, epoch] {
      Shard& s = shards_[sh];
      if (epoch != s.epoch) return;
      s.fail_pending = false;
      int reports = pfail_reports(s);
      if (reports < majority_of_masters()) return;
      s.failed = true;
      s.failed_at = now();
      ctx_.timeline->note(name(), "fail",
                          nodes_[s.master].name + " is FAIL: " + std::to_string(reports) + " of " +
                              std::to_string(masters()) + " masters flag it (a majority is " +
                              std::to_string(majority_of_masters()) + ")");
      update_cluster_state();
      cluster_elect(sh);
    });
  }

  // The best replica (rank 0) asks for votes after 500 ms + 0-500 ms + rank x 1 s; masters that
  // are up vote, and it needs a majority of all masters (docs/SEMANTICS.md 2.2 rows 3-4).
  void cluster_elect(int sh) {
    Shard& s = shards_[sh];
    int best = best_replica(sh);
    if (best < 0) {
      ctx_.timeline->note(name(), "no failover",
                          "no replica of " + nodes_[s.master].name +
                              " is up: its slots stay uncovered until it is restored" +
                              (spec_.require_full_coverage
                                   ? " and the whole cluster answers CLUSTERDOWN"
                                   : " (cluster-require-full-coverage no: other slots serve)"));
      return;
    }
    s.electing = true;
    const int rank = 0;  // the best replica by replication offset; lower ranks would start later
    double delay = kElectionFixed + protocol_.uniform() * kElectionRandom + rank * kElectionRank;
    unsigned epoch = s.epoch, gen = nodes_[best].gen;
    ctx_.engine.after(delay, [this, sh, epoch, best, gen] {
      Shard& s = shards_[sh];
      if (epoch != s.epoch) return;
      s.electing = false;
      if (nodes_[best].gen != gen) {  // it went down: the next replica tries
        if (s.down) cluster_elect(sh);
        return;
      }
      int votes = 0;
      for (int j = 0; j < masters(); ++j) votes += j != sh && observer_up(j);
      if (votes < majority_of_masters()) {
        // The election times out after 2 x node_timeout (at least 2 s) and is retried after
        // 4 x node_timeout (at least 4 s) (docs/SEMANTICS.md 2.2 row 4).
        double retry = std::max(4 * spec_.node_timeout, 4.0);
        ctx_.timeline->note(name(), "no failover",
                            nodes_[best].name + " gets " + std::to_string(votes) + " of " +
                                std::to_string(masters()) + " masters' votes, needs " +
                                std::to_string(majority_of_masters()) + "; it retries after " +
                                fmt_seconds(retry));
        s.electing = true;
        ctx_.engine.after(retry, [this, sh, epoch] {
          Shard& s = shards_[sh];
          if (epoch != s.epoch) return;
          s.electing = false;
          if (s.failed) cluster_elect(sh);
        });
        return;
      }
      ctx_.timeline->note(name(), "elected",
                          nodes_[best].name + " wins the failover election with " +
                              std::to_string(votes) + " of " + std::to_string(masters()) +
                              " masters' votes");
      promote(sh, best, "and takes over the slots of " + nodes_[s.master].name);
    });
  }

  // The dead master is back but already FAIL: it serves its slots again, while the others keep
  // it FAIL (and, with full coverage, answer CLUSTERDOWN) until a replica takes over or the FAIL
  // is old enough to be undone (CLUSTER_FAIL_UNDO_TIME_MULT).
  void cluster_master_back_while_failed(int sh) {
    Shard& s = shards_[sh];
    std::fill(s.pfail.begin(), s.pfail.end(), 0);
    double undo = std::max(now(), s.failed_at + kFailUndoMult * spec_.node_timeout);
    ctx_.timeline->note(name(), "recovered",
                        nodes_[s.master].name +
                            " is back with its slots; the others clear its FAIL flag " +
                            fmt_seconds(kFailUndoMult * spec_.node_timeout) +
                            " after it was set, unless a replica takes over first");
    unsigned epoch = s.epoch;
    ctx_.engine.at(undo, [this, sh, epoch] {
      Shard& s = shards_[sh];
      if (epoch != s.epoch || s.down) return;
      ++s.epoch;
      reset_detection(s);
      ctx_.timeline->note(name(), "fail cleared",
                          nodes_[s.master].name + " is reachable and still serves its slots");
      update_cluster_state();
    });
    update_cluster_state();
  }

  // A master back (or a new one) pings the others again: it flags the dead ones PFAIL in time.
  void cluster_observer_back(int j) {
    for (int sh = 0; sh < masters(); ++sh)
      if (sh != j && shards_[sh].down && !shards_[sh].failed) schedule_pfail(sh, j);
    update_cluster_state();
  }

  // Each master's cluster state (RC src/cluster_legacy.c clusterUpdateState): FAIL when it can
  // reach fewer than a majority of masters (those it does not flag PFAIL or FAIL, itself
  // included), or, with cluster-require-full-coverage yes, when a slot's master is FAIL.
  void update_cluster_state() {
    if (!cluster_mode()) return;
    bool was = std::any_of(clusterdown_.begin(), clusterdown_.end(), [](char c) { return c; });
    bool uncovered = false;
    for (int j = 0; j < masters(); ++j) {
      const Shard& s = shards_[j];
      int reachable = 0;
      bool other_failed = false;
      for (int k = 0; k < masters(); ++k) {
        if (k == j) {
          ++reachable;
          continue;
        }
        const Shard& o = shards_[k];
        reachable += !o.pfail[j] && !o.failed;
        other_failed |= o.failed;
      }
      uncovered |= s.failed;
      clusterdown_[j] =
          reachable < majority_of_masters() || (spec_.require_full_coverage && other_failed);
    }
    bool is = std::any_of(clusterdown_.begin(), clusterdown_.end(), [](char c) { return c; });
    if (is && !was)
      ctx_.timeline->note(name(), "clusterdown",
                          uncovered && spec_.require_full_coverage
                              ? "slots are uncovered and cluster-require-full-coverage is yes: "
                                "every node answers CLUSTERDOWN"
                              : "a master reaches only a minority of masters: it answers "
                                "CLUSTERDOWN");
    if (was && !is)
      ctx_.timeline->note(name(), "cluster ok", "no master answers CLUSTERDOWN any more");
  }

  sim::ModelContext ctx_;
  RedisParams spec_;
  sim::Sampler op_cost_;
  sim::Rng protocol_;
  double replication_lag_;
  bool replicated_;  // a mode with replicas that can take over
  std::deque<Node> nodes_;
  std::vector<Shard> shards_;
  std::vector<Sentinel> sentinels_;
  std::vector<char> clusterdown_;  // per master (by shard): it answers CLUSTERDOWN
  std::vector<int> slot_owner_;    // cluster: the shard owning each slot
  std::uint64_t ops_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_redis(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<Redis>(c, c.as<RedisParams>(), ctx);
}

}  // namespace capsim::models
