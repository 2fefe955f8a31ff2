#include "models/load_balancer/params.hpp"

#include <string>

#include "config/fields.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_load_balancer_params(config::ObjectReader& r) {
  auto params = std::make_shared<LoadBalancerParams>();
  LoadBalancerParams& s = *params;
  s.upstream = r.required_string("upstream", "the name of the component it balances over");
  s.balance =
      r.choice_or("balance", {"round_robin", "least_conn", "random", "two_choices"}, s.balance);
  s.max_fails = static_cast<int>(r.integer_or("max_fails", 0, 1000000, s.max_fails));
  s.fail_timeout = r.duration_or("fail_timeout", s.fail_timeout);
  s.next_upstream_tries =
      static_cast<int>(r.integer_or("next_upstream_tries", 0, 1000, s.next_upstream_tries));
  s.connect_timeout = r.duration_or("connect_timeout", s.connect_timeout);
  s.read_timeout = r.duration_or("read_timeout", s.read_timeout);
  if (auto d = config::distribution_field(r, "cpu")) s.cpu = *d;
  s.instances = static_cast<int>(r.integer_or("instances", 1, 1000, s.instances));
  return params;
}

}  // namespace capsim::models
