// PostgreSQL's pure rules, testable without the engine (tests/models/postgres/).
#pragma once

namespace capsim::models {

// PostgreSQL synchronous replication: the round trip a write commit waits for, given the
// topology's network rtt (1 ms when the topology gives none).
double postgres_sync_commit_wait(double network_rtt);

}  // namespace capsim::models
