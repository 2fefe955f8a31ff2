#include "models/postgres/rules.hpp"

namespace capsim::models {

double postgres_sync_commit_wait(double network_rtt) {
  // docs/SEMANTICS.md 2.4: "Commit wait is at least one primary<->standby round trip"
  // (high-availability.sgml). The round trip is the topology's network rtt; a topology without
  // one (rtt 0) gets 1 ms, an assumed same-site round trip, so sync replication is never free.
  return network_rtt > 0 ? network_rtt : 0.001;
}

}  // namespace capsim::models
