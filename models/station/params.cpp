#include "models/station/params.hpp"

#include <string>

#include "config/fields.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_station_params(config::ObjectReader& r) {
  auto params = std::make_shared<StationParams>();
  StationParams& s = *params;
  s.servers = static_cast<int>(r.integer_or("servers", 1, 100000, s.servers));
  if (auto d = config::distribution_field(r, "service"))
    s.service = *d;
  else if (!r.has("service"))
    r.missing("service", "a service-time distribution such as \"4ms\"");
  if (r.has("queue_limit")) s.queue_limit = r.integer("queue_limit", 0, 1LL << 40);
  return params;
}

}  // namespace capsim::models
