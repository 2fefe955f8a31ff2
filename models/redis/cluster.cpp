// Redis Cluster's failover, step by step (docs/SEMANTICS.md 2.2; RD cluster-spec.md): each other
// master flags PFAIL node_timeout after its first unanswered ping; once a majority of all masters
// flag it, it is FAIL (spread by gossip within a second); its best replica starts an election
// 500 ms + 0-500 ms + rank x 1 s later and wins with the votes of a majority of masters. From FAIL
// until the promotion, with cluster-require-full-coverage yes, every node answers CLUSTERDOWN. A
// master that can reach fewer than a majority of masters answers CLUSTERDOWN too (the minority
// side refuses writes after NODE_TIMEOUT).
#include "models/redis/cluster.hpp"

#include <algorithm>

#include "models/common.hpp"

namespace capsim::models {
namespace {

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

}  // namespace

ClusterFailover::ClusterFailover(RedisData& data) : data_(data) {
  for (int m = 0; m < data.masters(); ++m) {
    Detection d;
    d.pfail.assign(static_cast<std::size_t>(data.masters()), 0);
    shards_.push_back(std::move(d));
  }
  clusterdown_.assign(static_cast<std::size_t>(data.masters()), 0);
}

void ClusterFailover::reset(int shard) {
  Detection& d = shards_[shard];
  std::fill(d.pfail.begin(), d.pfail.end(), 0);
  d.failed = d.fail_pending = d.electing = false;
}

void ClusterFailover::master_lost(int sh) {
  for (int j = 0; j < data_.masters(); ++j)
    if (j != sh && data_.master_up(j)) schedule_pfail(sh, j);
}

// PFAIL: master j's ping to the dead master has been pending longer than node_timeout; its first
// unanswered ping goes out within a second of the fault (docs/SEMANTICS.md 2.2 rows 1-2).
void ClusterFailover::schedule_pfail(int sh, int j) {
  unsigned epoch = data_.shards[sh].epoch;
  int observer = data_.shards[j].master;
  unsigned gen = data_.nodes[observer].gen;
  double at = data_.now() + data_.protocol.uniform() * kClusterPingPeriod + data_.spec.node_timeout;
  data_.ctx.engine.at(at, [this, sh, j, epoch, gen, observer] {
    const RedisShard& s = data_.shards[sh];
    if (epoch != s.epoch || !s.down || data_.nodes[observer].gen != gen ||
        data_.shards[j].master != observer)
      return;
    shards_[sh].pfail[j] = 1;
    data_.note("pfail", data_.nodes[observer].name + " flags " + data_.nodes[s.master].name +
                            " PFAIL (no PONG for cluster-node-timeout " +
                            fmt_seconds(data_.spec.node_timeout) + ")");
    update_state();
    check_fail(sh);
  });
}

int ClusterFailover::pfail_reports(const Detection& d) const {
  int n = 0;
  for (int j = 0; j < data_.masters(); ++j) n += d.pfail[j] && data_.master_up(j);
  return n;
}

// FAIL once a majority of ALL masters flag it (the dead one counts in the size but cannot
// report), known to the others through gossip within a ping period (docs/SEMANTICS.md 2.2 row 2).
// Reports count while their sender is up (Redis keeps them 2 x node_timeout).
void ClusterFailover::check_fail(int sh) {
  Detection& d = shards_[sh];
  if (d.failed || d.fail_pending || pfail_reports(d) < data_.majority_of_masters()) return;
  d.fail_pending = true;
  unsigned epoch = data_.shards[sh].epoch;
  data_.ctx.engine.after(data_.protocol.uniform() * kGossipDelay, [this, sh, epoch] {
    const RedisShard& s = data_.shards[sh];
    Detection& d = shards_[sh];
    if (epoch != s.epoch) return;
    d.fail_pending = false;
    int reports = pfail_reports(d);
    if (reports < data_.majority_of_masters()) return;
    d.failed = true;
    d.failed_at = data_.now();
    data_.note("fail", data_.nodes[s.master].name + " is FAIL: " + std::to_string(reports) +
                           " of " + std::to_string(data_.masters()) +
                           " masters flag it (a majority is " +
                           std::to_string(data_.majority_of_masters()) + ")");
    update_state();
    elect(sh);
  });
}

// The best replica (rank 0) asks for votes after 500 ms + 0-500 ms + rank x 1 s; masters that are
// up vote, and it needs a majority of all masters (docs/SEMANTICS.md 2.2 rows 3-4).
void ClusterFailover::elect(int sh) {
  Detection& d = shards_[sh];
  int best = data_.best_replica(sh);
  if (best < 0) {
    data_.note("no failover", "no replica of " + data_.nodes[data_.shards[sh].master].name +
                                  " is up: its slots stay uncovered until it is restored" +
                                  (data_.spec.require_full_coverage
                                       ? " and the whole cluster answers CLUSTERDOWN"
                                       : " (cluster-require-full-coverage no: other slots serve)"));
    return;
  }
  d.electing = true;
  const int rank = 0;  // the best replica by replication offset; lower ranks would start later
  double delay = kElectionFixed + data_.protocol.uniform() * kElectionRandom + rank * kElectionRank;
  unsigned epoch = data_.shards[sh].epoch, gen = data_.nodes[best].gen;
  data_.ctx.engine.after(delay, [this, sh, epoch, best, gen] {
    const RedisShard& s = data_.shards[sh];
    Detection& d = shards_[sh];
    if (epoch != s.epoch) return;
    d.electing = false;
    if (data_.nodes[best].gen != gen) {  // it went down: the next replica tries
      if (s.down) elect(sh);
      return;
    }
    int votes = 0;
    for (int j = 0; j < data_.masters(); ++j) votes += j != sh && data_.master_up(j);
    if (votes < data_.majority_of_masters()) {
      // The election times out after 2 x node_timeout (at least 2 s) and is retried after
      // 4 x node_timeout (at least 4 s) (docs/SEMANTICS.md 2.2 row 4).
      double retry = std::max(4 * data_.spec.node_timeout, 4.0);
      data_.note("no failover", data_.nodes[best].name + " gets " + std::to_string(votes) + " of " +
                                    std::to_string(data_.masters()) + " masters' votes, needs " +
                                    std::to_string(data_.majority_of_masters()) +
                                    "; it retries after " + fmt_seconds(retry));
      d.electing = true;
      data_.ctx.engine.after(retry, [this, sh, epoch] {
        if (epoch != data_.shards[sh].epoch) return;
        shards_[sh].electing = false;
        if (shards_[sh].failed) elect(sh);
      });
      return;
    }
    data_.note("elected", data_.nodes[best].name + " wins the failover election with " +
                              std::to_string(votes) + " of " + std::to_string(data_.masters()) +
                              " masters' votes");
    data_.promote(sh, best, "and takes over the slots of " + data_.nodes[s.master].name);
  });
}

void ClusterFailover::master_back_while_failed(int sh) {
  Detection& d = shards_[sh];
  std::fill(d.pfail.begin(), d.pfail.end(), 0);
  double undo = std::max(data_.now(), d.failed_at + kFailUndoMult * data_.spec.node_timeout);
  data_.note("recovered", data_.nodes[data_.shards[sh].master].name +
                              " is back with its slots; the others clear its FAIL flag " +
                              fmt_seconds(kFailUndoMult * data_.spec.node_timeout) +
                              " after it was set, unless a replica takes over first");
  unsigned epoch = data_.shards[sh].epoch;
  data_.ctx.engine.at(undo, [this, sh, epoch] {
    RedisShard& s = data_.shards[sh];
    if (epoch != s.epoch || s.down) return;
    ++s.epoch;
    reset(sh);
    data_.note("fail cleared",
               data_.nodes[s.master].name + " is reachable and still serves its slots");
    update_state();
  });
  update_state();
}

void ClusterFailover::observer_back(int j) {
  for (int sh = 0; sh < data_.masters(); ++sh)
    if (sh != j && data_.shards[sh].down && !shards_[sh].failed) schedule_pfail(sh, j);
  update_state();
}

// A master is FAIL in its own state when it can reach fewer than a majority of masters (those it
// does not flag PFAIL or FAIL, itself included), or, with cluster-require-full-coverage yes, when
// a slot's master is FAIL.
void ClusterFailover::update_state() {
  bool was = std::any_of(clusterdown_.begin(), clusterdown_.end(), [](char c) { return c; });
  bool uncovered = false;
  for (int j = 0; j < data_.masters(); ++j) {
    int reachable = 0;
    bool other_failed = false;
    for (int k = 0; k < data_.masters(); ++k) {
      if (k == j) {
        ++reachable;
        continue;
      }
      const Detection& o = shards_[k];
      reachable += !o.pfail[j] && !o.failed;
      other_failed |= o.failed;
    }
    uncovered |= shards_[j].failed;
    clusterdown_[j] = reachable < data_.majority_of_masters() ||
                      (data_.spec.require_full_coverage && other_failed);
  }
  bool is = std::any_of(clusterdown_.begin(), clusterdown_.end(), [](char c) { return c; });
  if (is && !was)
    data_.note("clusterdown", uncovered && data_.spec.require_full_coverage
                                  ? "slots are uncovered and cluster-require-full-coverage is "
                                    "yes: every node answers CLUSTERDOWN"
                                  : "a master reaches only a minority of masters: it answers "
                                    "CLUSTERDOWN");
  if (was && !is) data_.note("cluster ok", "no master answers CLUSTERDOWN any more");
}

}  // namespace capsim::models
