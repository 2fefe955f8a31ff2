#include "models/app/params.hpp"

#include <string>

#include "models/autoscale_params.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_app_params(config::ObjectReader& r) {
  auto params = std::make_shared<AppParams>();
  AppParams& s = *params;
  s.replicas = static_cast<int>(r.integer_or("replicas", 1, 100000, s.replicas));
  s.workers = static_cast<int>(r.integer_or("workers", 1, 100000, 0));
  s.timeout = r.duration_or("timeout", s.timeout);
  s.backlog = r.integer_or("backlog", 0, 1LL << 30, s.backlog);
  s.autoscale = read_autoscale(r);
  return params;
}

}  // namespace capsim::models
