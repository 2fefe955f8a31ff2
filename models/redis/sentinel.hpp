// Redis Sentinel's failover (docs/SEMANTICS.md 2.1): the sentinels flag the master SDOWN, agree
// on ODOWN at the quorum, elect a leader by a majority of all sentinels, and the leader promotes a
// replica. models/redis/redis.cpp tells it when a master or a sentinel goes down or comes back.
#pragma once

#include <limits>
#include <vector>

#include "models/redis/node.hpp"

namespace capsim::models {

class SentinelFailover {
 public:
  // Draws each sentinel's timer phase from data.protocol.
  explicit SentinelFailover(RedisData& data);

  void master_lost(int shard);
  // Moves the failure handling on as far as the sentinels' state allows (a replica back may make
  // a failover possible again).
  void progress(int shard);
  void sentinel_down(int k);
  void sentinel_up(int k);
  // The outage ended (the master is back, or a replica was promoted): detection starts afresh.
  void reset(int shard);
  // A successful failover resets the master's failover state (RC src/sentinel.c
  // sentinelResetMaster: failover_start_time = 0), so a next failure is not locked out.
  void promoted(int shard);

  int sentinels() const { return static_cast<int>(sentinels_.size()); }
  bool up(int k) const { return sentinels_[k].up; }

 private:
  struct Sentinel {
    bool up = true;
    unsigned gen = 0;
    double tick_phase = 0;  // its 100 ms timer fires at tick_phase + k x 0.1 s
  };
  struct Detection {          // one master's, as the sentinels see it
    std::vector<char> sdown;  // per sentinel: it flags the master SDOWN
    bool odown = false, odown_pending = false, failover_running = false, retry_armed = false;
    bool quorum_noted = false;
    double next_attempt = -std::numeric_limits<double>::infinity();
  };

  int sentinels_up() const;
  int sentinels_seeing(const Detection& d) const;
  std::string sentinel_name(int k) const;
  void schedule_sdown(int shard, int k);
  void elect(int shard);

  RedisData& data_;
  std::vector<Sentinel> sentinels_;
  std::vector<Detection> shards_;
};

}  // namespace capsim::models
