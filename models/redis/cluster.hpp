// Redis Cluster's failover (docs/SEMANTICS.md 2.2): the other masters flag a dead master PFAIL
// after node_timeout, FAIL once a majority of masters agree, and its best replica wins an election
// by a majority of masters; meanwhile, with cluster-require-full-coverage, every node answers
// CLUSTERDOWN. models/redis/redis.cpp tells it when a master goes down or comes back.
#pragma once

#include <vector>

#include "models/redis/node.hpp"

namespace capsim::models {

class ClusterFailover {
 public:
  explicit ClusterFailover(RedisData& data);

  void master_lost(int shard);
  // The dead master is back but already FAIL: it serves its slots again, while the others keep
  // it FAIL until a replica takes over or the FAIL is old enough to be undone.
  void master_back_while_failed(int shard);
  // A master back (or a new one) pings the others again.
  void observer_back(int j);
  // The best replica of a FAIL master asks for votes.
  void elect(int shard);
  // Each master's cluster state (RC src/cluster_legacy.c clusterUpdateState).
  void update_state();
  void reset(int shard);

  bool failed(int shard) const { return shards_[shard].failed; }
  bool electing(int shard) const { return shards_[shard].electing; }
  // Master j (by shard) answers CLUSTERDOWN.
  bool clusterdown(int j) const { return clusterdown_[j] != 0; }

 private:
  struct Detection {          // one master's, as the other masters see it
    std::vector<char> pfail;  // per master (by shard): that master flags this one PFAIL
    bool failed = false, fail_pending = false, electing = false;
    double failed_at = 0;
  };

  void schedule_pfail(int shard, int j);
  int pfail_reports(const Detection& d) const;
  void check_fail(int shard);

  RedisData& data_;
  std::vector<Detection> shards_;
  std::vector<char> clusterdown_;  // per master (by shard): it answers CLUSTERDOWN
};

}  // namespace capsim::models
