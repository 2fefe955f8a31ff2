// nginx's pure rules, testable without the engine (tests/models/load_balancer/).
#pragma once

#include <vector>

namespace capsim::models {

// nginx's passive health check of one upstream server (max_fails, fail_timeout).
struct PeerHealth {
  std::vector<double> failures;  // times of failures still inside the fail_timeout window
  double down_until = -1;        // unavailable before this time
};
// Records a failure at `now`; returns true when it marks the server unavailable: `max_fails`
// failures within `fail_timeout` mark it so for `fail_timeout`. max_fails 0 disables counting, and
// a group of one server is never marked.
bool nginx_record_failure(PeerHealth& peer, double now, int max_fails, double fail_timeout,
                          int servers);
// Whether nginx may choose the server at `now` (a single server always may).
bool nginx_available(const PeerHealth& peer, double now, int servers);

}  // namespace capsim::models
