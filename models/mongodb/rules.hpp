// MongoDB's pure rules, testable without the engine (tests/models/mongodb/).
#pragma once

namespace capsim::models {

// The voting majority of a replica set of `members` (docs: replica-set-elections; mongodb-defaults:
// "1 plus half the number of voting members, rounded down").
int mongo_majority(int members);

// When a secondary that last heard from the primary at `last_contact` calls an election: its
// election timer runs electionTimeoutMillis from the last contact, plus a random offset of up to
// replElectionTimeoutOffsetLimitFraction (0.15) of it so that secondaries do not all stand at once
// (mongodb/mongo src/mongo/db/repl/repl_server_parameters.idl, replication_coordinator_impl's
// election timeout callback, scheduled with jitter). `jitter` is uniform in [0, 1).
double mongo_election_start(double last_contact, double election_timeout, double jitter);

// How long a write's acknowledgment waits for the members its write concern needs: nothing for
// w: 1; otherwise a round trip to the secondaries (they apply the write and report it; the
// acknowledgment comes when the w-th member has it). `rtt` is the network round trip, 1 ms when
// the topology gives none.
double mongo_write_wait(int write_members, double rtt);

}  // namespace capsim::models
