#include "models/mongodb/rules.hpp"

namespace capsim::models {

int mongo_majority(int members) {
  return members / 2 + 1;
}

double mongo_election_start(double last_contact, double election_timeout, double jitter) {
  constexpr double kOffsetLimitFraction = 0.15;  // replElectionTimeoutOffsetLimitFraction
  return last_contact + election_timeout + jitter * kOffsetLimitFraction * election_timeout;
}

double mongo_write_wait(int write_members, double rtt) {
  if (write_members == 1) return 0;
  return rtt > 0 ? rtt : 0.001;
}

}  // namespace capsim::models
