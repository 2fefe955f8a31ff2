#include "models/mongodb/params.hpp"

namespace capsim::models {

std::shared_ptr<const config::KindParams> read_mongodb_params(config::ObjectReader& r) {
  auto params = std::make_shared<MongoParams>();
  MongoParams& s = *params;
  s.members = static_cast<int>(r.integer_or("members", 1, 50, s.members));  // at most 50 members
  s.read_preference =
      r.choice_or("read_preference",
                  {"primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"},
                  s.read_preference);
  if (const config::Json* w = r.raw("write_concern")) {
    if (w->is_string() && w->get<std::string>() == "majority") {
      s.write_members = 0;
    } else if (w->is_number_integer() && w->get<long long>() >= 1 &&
               w->get<long long>() <= s.members) {
      s.write_members = static_cast<int>(w->get<long long>());
    } else {
      r.problem("write_concern", "is " +
                                     (w->is_string() ? config::in_quotes(w->get<std::string>())
                                                     : config::json_type_name(*w)) +
                                     " (expected \"majority\" or a number of members from 1 to " +
                                     std::to_string(s.members) + ")");
    }
  }
  s.election_timeout = r.duration_or("election_timeout", s.election_timeout);
  s.heartbeat_interval = r.duration_or("heartbeat_interval", s.heartbeat_interval);
  s.server_selection_timeout =
      r.duration_or("server_selection_timeout", s.server_selection_timeout);
  s.retry_writes = r.boolean_or("retry_writes", s.retry_writes);
  s.retry_reads = r.boolean_or("retry_reads", s.retry_reads);
  s.max_connections =
      static_cast<int>(r.integer_or("max_connections", 1, 10000000, s.max_connections));
  return params;
}

}  // namespace capsim::models
