// A MongoDB replica set (docs/SEMANTICS.md 2.12): a primary that takes every write, secondaries
// that replicate it and may serve reads, elections when the primary is lost, and the drivers'
// server selection and retries in front of it. Defaults are MongoDB's documented ones, each cited
// beside it; read_mongodb_params reads the component's keys.
#pragma once

#include <memory>
#include <string>

#include "config/json_reader.hpp"
#include "config/topology.hpp"

namespace capsim::models {

struct MongoParams : config::KindParams {
  // Data-bearing voting members, the primary included. Three is the smallest set that elects a
  // new primary after losing one (a majority of 3 is 2).
  int members = 3;
  // Where reads go (read preference): primary (the drivers' default), primaryPreferred,
  // secondary, secondaryPreferred or nearest (docs: read-preference).
  std::string read_preference = "primary";
  // Write concern w: 0 = "majority" (the implicit default since MongoDB 5.0, docs:
  // mongodb-defaults), else the number of members that must acknowledge.
  int write_members = 0;
  // A secondary calls an election when it has not heard from the primary for this long
  // (settings.electionTimeoutMillis 10000, docs: replica-configuration).
  double election_timeout = 10;
  // Members heartbeat each other this often (settings.heartbeatIntervalMillis 2000).
  double heartbeat_interval = 2;
  // Drivers wait this long for a suitable server before an operation fails
  // (serverSelectionTimeoutMS 30000, the server-selection specification).
  double server_selection_timeout = 30;
  // Drivers retry a write, and a read, once after a network error or "not primary"
  // (retryWrites and retryReads default true, docs: retryable-writes, retryable-reads).
  bool retry_writes = true, retry_reads = true;
  // mongod's net.maxIncomingConnections default 65536 (docs: configuration-options).
  int max_connections = 65536;

  bool majority() const { return write_members == 0; }
};

std::shared_ptr<const config::KindParams> read_mongodb_params(config::ObjectReader& r);

}  // namespace capsim::models
