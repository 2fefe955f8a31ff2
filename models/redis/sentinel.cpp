// Sentinel's failover, step by step (docs/SEMANTICS.md 2.1; RC src/sentinel.c): every sentinel
// PINGs the master every second; one whose oldest unanswered PING is older than
// down-after-milliseconds flags SDOWN on its next 100 ms timer tick; once `quorum` sentinels
// agree (they ask each other every second) the master is ODOWN; a failover starts 0-1 s later
// (SENTINEL_MAX_DESYNC) and needs a leader elected by max(quorum, a majority of ALL configured
// sentinels), so a minority partition never fails over; a failed attempt is retried 2 x
// failover-timeout after it started. The leader promotes the best replica, confirmed by INFO
// within a second, then kills the clients' connections so that they re-resolve the master.
#include "models/redis/sentinel.hpp"

#include <cmath>

#include "models/common.hpp"

namespace capsim::models {
namespace {

// Sentinel's periods (docs/SEMANTICS.md 2.1: RC src/sentinel.c lines 62-67).
constexpr double kPingPeriod = 1.0;  // SENTINEL_PING_PERIOD: the first unanswered PING is 0-1 s in
constexpr double kAskPeriod = 1.0;   // SENTINEL_ASK_PERIOD: is-master-down-by-addr, every second
// SDOWN is checked in sentinelTimer, run server.hz times a second: 10 by default, which Sentinel
// randomises to 10-19 per call, so ticks are at most 100 ms apart; taken as every 100 ms.
constexpr double kTimerTick = 0.1;
constexpr double kMaxDesync = 1.0;  // SENTINEL_MAX_DESYNC: failover_start_time = now + rand()%1000
// From SLAVEOF NO ONE to the leader seeing the replica report role:master in INFO, which it asks
// every second during a failover: 0-1 s (docs/SEMANTICS.md 2.1: observed ODOWN -> promoted
// ~1.05 s, which is this plus the 0-1 s desync).
constexpr double kPromotionConfirm = 1.0;

}  // namespace

SentinelFailover::SentinelFailover(RedisData& data) : data_(data) {
  for (int m = 0; m < data.masters(); ++m) {
    Detection d;
    d.sdown.assign(static_cast<std::size_t>(data.spec.sentinels), 0);
    shards_.push_back(std::move(d));
  }
  for (int k = 0; k < data.spec.sentinels; ++k)
    sentinels_.push_back({true, 0, data.protocol.uniform() * kTimerTick});
}

int SentinelFailover::sentinels_up() const {
  int up = 0;
  for (const auto& k : sentinels_) up += k.up;
  return up;
}

int SentinelFailover::sentinels_seeing(const Detection& d) const {
  int seeing = 0;
  for (std::size_t k = 0; k < sentinels_.size(); ++k) seeing += sentinels_[k].up && d.sdown[k];
  return seeing;
}

std::string SentinelFailover::sentinel_name(int k) const {
  return data_.name() + ".sentinel[" + std::to_string(k) + "]";
}

void SentinelFailover::reset(int shard) {
  Detection& d = shards_[shard];
  std::fill(d.sdown.begin(), d.sdown.end(), 0);
  d.odown = d.odown_pending = d.failover_running = d.retry_armed = d.quorum_noted = false;
}

void SentinelFailover::promoted(int shard) {
  shards_[shard].next_attempt = -std::numeric_limits<double>::infinity();
}

void SentinelFailover::master_lost(int sh) {
  if (sentinels_up() == 0) {
    data_.note("no failover",
               "no sentinel is up to notice: commands fail until the master is back");
    return;
  }
  for (int k = 0; k < static_cast<int>(sentinels_.size()); ++k)
    if (sentinels_[k].up) schedule_sdown(sh, k);
}

// SDOWN: the sentinel's oldest unanswered PING (its next PING after the fault, 0-1 s in) is older
// than down-after-milliseconds (strictly: elapsed > down_after, sentinelCheckSubjectivelyDown),
// checked on its next timer tick (docs/SEMANTICS.md 2.1 rows 1-2).
void SentinelFailover::schedule_sdown(int sh, int k) {
  Sentinel& sen = sentinels_[k];
  double ping = data_.now() + data_.protocol.uniform() * kPingPeriod;
  double due = ping + data_.spec.down_after;
  double tick = sen.tick_phase + std::ceil((due - sen.tick_phase) / kTimerTick) * kTimerTick;
  if (tick <= due) tick += kTimerTick;
  unsigned epoch = data_.shards[sh].epoch, gen = sen.gen;
  data_.ctx.engine.at(tick, [this, sh, k, epoch, gen] {
    const RedisShard& s = data_.shards[sh];
    if (epoch != s.epoch || gen != sentinels_[k].gen || !s.down) return;
    shards_[sh].sdown[k] = 1;
    data_.note("sdown", sentinel_name(k) + ": +sdown " + data_.nodes[s.master].name +
                            " (no valid reply to PING for down-after-milliseconds " +
                            fmt_seconds(data_.spec.down_after) + ")");
    progress(sh);
  });
}

void SentinelFailover::progress(int sh) {
  const RedisShard& s = data_.shards[sh];
  Detection& d = shards_[sh];
  if (!s.down || d.failover_running) return;
  int seeing = sentinels_seeing(d);
  if (d.odown && seeing < data_.spec.quorum) d.odown = false;  // reports lapsed (sentinels lost)
  unsigned epoch = s.epoch;
  if (!d.odown) {
    if (seeing >= data_.spec.quorum) {
      if (d.odown_pending) return;
      // The sentinel learns the others' view from their replies to is-master-down-by-addr,
      // asked every second (docs/SEMANTICS.md 2.1 row 2: ask period 1 s).
      d.odown_pending = true;
      data_.ctx.engine.after(data_.protocol.uniform() * kAskPeriod, [this, sh, epoch] {
        const RedisShard& s = data_.shards[sh];
        Detection& d = shards_[sh];
        if (epoch != s.epoch) return;
        d.odown_pending = false;
        int seeing = sentinels_seeing(d);
        if (seeing >= data_.spec.quorum && !d.odown) {
          d.odown = true;
          data_.note("odown", "+odown " + data_.nodes[s.master].name + " #quorum " +
                                  std::to_string(seeing) + "/" + std::to_string(data_.spec.quorum));
        }
        progress(sh);
      });
      return;
    }
    // Every sentinel that can see the master has flagged it, and they are too few.
    bool all = true;
    for (std::size_t k = 0; k < sentinels_.size(); ++k)
      if (sentinels_[k].up && !d.sdown[k]) all = false;
    if (all && !d.quorum_noted) {
      d.quorum_noted = true;
      data_.note("no failover",
                 "only " + std::to_string(seeing) + " of " + std::to_string(sentinels_.size()) +
                     " sentinels are up to flag the master SDOWN: ODOWN needs the quorum of " +
                     std::to_string(data_.spec.quorum) + ", so no failover starts");
    }
    return;
  }
  // ODOWN. No new attempt within 2 x failover-timeout of the previous one's start
  // (docs/SEMANTICS.md 2.1: sentinelStartFailoverIfNeeded).
  if (data_.now() < d.next_attempt) {
    if (d.retry_armed) return;
    d.retry_armed = true;
    data_.ctx.engine.at(d.next_attempt, [this, sh, epoch] {
      if (epoch != data_.shards[sh].epoch) return;
      shards_[sh].retry_armed = false;
      progress(sh);
    });
    return;
  }
  d.failover_running = true;
  double start = data_.now() + data_.protocol.uniform() * kMaxDesync;  // docs/SEMANTICS.md 2.1
  d.next_attempt = start + 2 * data_.spec.failover_timeout;
  data_.ctx.engine.at(start, [this, sh, epoch] {
    if (epoch == data_.shards[sh].epoch) elect(sh);
  });
}

// The leader needs the votes of max(quorum, a majority of all configured sentinels)
// (docs/SEMANTICS.md 2.1 row 3; RC src/sentinel.c sentinelGetLeader: voters_quorum = voters/2+1).
void SentinelFailover::elect(int sh) {
  Detection& d = shards_[sh];
  int total = static_cast<int>(sentinels_.size());
  int voters = sentinels_up();
  int needed = std::max(data_.spec.quorum, total / 2 + 1);
  auto retry = [this, sh](const std::string& why) {
    data_.note("no failover", why + "; next attempt at 2 x failover-timeout (" +
                                  fmt_seconds(2 * data_.spec.failover_timeout) +
                                  ") after this one");
    shards_[sh].failover_running = false;
    progress(sh);
  };
  if (voters < needed) {
    retry("only " + std::to_string(voters) + " of " + std::to_string(total) +
          " sentinels can vote: a leader needs " + std::to_string(needed) + " (a majority of all " +
          std::to_string(total) + " sentinels and at least the quorum)");
    return;
  }
  int leader = -1;
  for (int k = 0; k < total && leader < 0; ++k)
    if (sentinels_[k].up && d.sdown[k]) leader = k;
  for (int k = 0; k < total && leader < 0; ++k)  // those that saw it went down meanwhile
    if (sentinels_[k].up) leader = k;
  data_.note("elected", sentinel_name(leader) + " is the failover leader with " +
                            std::to_string(voters) + " of " + std::to_string(total) +
                            " votes (needs " + std::to_string(needed) + ")");
  int best = data_.best_replica(sh);
  if (best < 0) {
    retry("-failover-abort-no-good-slave: no replica is up to promote");
    return;
  }
  unsigned epoch = data_.shards[sh].epoch, leader_gen = sentinels_[leader].gen,
           best_gen = data_.nodes[best].gen;
  data_.ctx.engine.after(
      data_.protocol.uniform() * kPromotionConfirm,
      [this, sh, epoch, leader, leader_gen, best, best_gen] {
        if (epoch != data_.shards[sh].epoch) return;
        if (sentinels_[leader].gen != leader_gen || data_.nodes[best].gen != best_gen) {
          shards_[sh].failover_running = false;
          data_.note("no failover",
                     "the failover was interrupted (its leader or the chosen replica went down); "
                     "it will be retried");
          progress(sh);
          return;
        }
        data_.promote(sh, best, "(SLAVEOF NO ONE, confirmed by INFO; +switch-master)");
      });
}

void SentinelFailover::sentinel_down(int k) {
  Sentinel& sen = sentinels_[k];
  if (!sen.up) return;
  sen.up = false;
  ++sen.gen;
  for (int sh = 0; sh < data_.masters(); ++sh) {
    shards_[sh].sdown[k] = 0;
    progress(sh);
  }
}

void SentinelFailover::sentinel_up(int k) {
  Sentinel& sen = sentinels_[k];
  if (sen.up) return;
  sen.up = true;
  ++sen.gen;
  for (int sh = 0; sh < data_.masters(); ++sh) {
    shards_[sh].quorum_noted = false;
    if (data_.shards[sh].down) schedule_sdown(sh, k);
  }
}

}  // namespace capsim::models
