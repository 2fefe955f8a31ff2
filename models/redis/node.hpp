// Redis's data nodes, which both failover protocols act on: masters and their replicas grouped by
// shard (a master's slot range; one shard outside a cluster), each running commands one at a time
// on its single thread (docs/SEMANTICS.md 2.3), and the writes a master acknowledged within the
// replication lag (lost if a replica takes over).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/redis/params.hpp"
#include "sim/component.hpp"
#include "sim/engine.hpp"
#include "sim/worker_pool.hpp"

namespace capsim::models {

struct RedisNode {
  std::string name;  // by the role it started in: "cache.master[0]", "cache.replica[1]"
  sim::Host* host = nullptr;
  std::unique_ptr<sim::WorkerPool> thread;
  int shard = 0;     // the master (slot range) whose data it holds
  bool up = true;    // running and reachable
  unsigned gen = 0;  // bumped when it goes down or comes back: its own timers check it
  std::deque<double> acknowledged;  // writes acknowledged as master, within the replication lag
};

// One master's data set: the node serving it and where its outage stands.
struct RedisShard {
  int master = 0;          // the node serving it
  int last_master = 0;     // the node that served it before the last failover
  bool down = false;       // the master is unreachable
  unsigned epoch = 0;      // bumped when the outage ends (restored or promoted): stale timers check
  std::uint64_t lost = 0;  // writes acknowledged within the lag before the master died
};

// The nodes and shards, and what the failover protocols (models/redis/sentinel.*, cluster.*) need
// of the component: its clock and timeline, their own random stream, and the promotion.
struct RedisData {
  sim::ModelContext& ctx;
  const RedisParams& spec;
  sim::Rng& protocol;  // failover timings draw here, never from the component's own stream
  std::deque<RedisNode> nodes;
  std::vector<RedisShard> shards;
  // Makes `replica` the master of shard `shard` and notes it with `how`.
  std::function<void(int shard, int replica, const std::string& how)> promote;

  int masters() const { return static_cast<int>(shards.size()); }
  int majority_of_masters() const { return masters() / 2 + 1; }
  // Master j (by shard) votes and observes while its node is up.
  bool master_up(int j) const { return nodes[shards[j].master].up; }
  // The replica a failover promotes: the lowest-numbered one that is up (standing in for
  // priority and replication offset), or -1.
  int best_replica(int shard) const;
  double now() const { return ctx.engine.now(); }
  const std::string& name() const { return ctx.name(); }
  void note(const std::string& event, const std::string& detail) const {
    ctx.timeline->note(name(), event, detail);
  }
};

}  // namespace capsim::models
