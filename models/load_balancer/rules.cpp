#include "models/load_balancer/rules.hpp"

#include <algorithm>

namespace capsim::models {

// ngx_http_upstream_module: "max_fails: the number of unsuccessful attempts to communicate with
// the server that should happen in the duration set by fail_timeout to consider the server
// unavailable for a duration also set by fail_timeout"; "if there is only a single server in a
// group, max_fails, fail_timeout and slow_start parameters are ignored, and such a server will
// never be considered unavailable" (docs/SEMANTICS.md 2.8).
bool nginx_record_failure(PeerHealth& peer, double now, int max_fails, double fail_timeout,
                          int servers) {
  if (max_fails == 0 || servers <= 1) return false;
  auto& f = peer.failures;
  f.push_back(now);
  f.erase(f.begin(),
          std::find_if(f.begin(), f.end(), [&](double t) { return t > now - fail_timeout; }));
  if (static_cast<int>(f.size()) < max_fails) return false;
  peer.down_until = now + fail_timeout;
  f.clear();
  return true;
}

bool nginx_available(const PeerHealth& peer, double now, int servers) {
  return servers <= 1 || peer.down_until <= now;
}

}  // namespace capsim::models
