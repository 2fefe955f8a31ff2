// Field readers shared by the topology reader and the kinds' own readers (models/<kind>/): service
// demands as a duration or a distribution object.
#pragma once

#include <optional>
#include <string>

#include "config/json_reader.hpp"
#include "core/distribution.hpp"

namespace capsim::config {

// A duration string ("4ms": a constant) or a distribution object ({"dist": "exp", ...}).
std::optional<core::Distribution> read_distribution(const Json& j, const std::string& ptr,
                                                    ReadContext& ctx);
// The same for the object's field `key`; nullopt when absent or wrong (the problem is recorded).
std::optional<core::Distribution> distribution_field(ObjectReader& r, const std::string& key);

}  // namespace capsim::config
