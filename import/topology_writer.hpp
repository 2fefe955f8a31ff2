// The topology as capsim reads it: name, description, the components in a stable order (load
// balancers, apps, pgbouncers, postgres, redis, qdrant, worker queues, stations; by name within a
// kind) with their keys in the schema's order, each with a "description" of what it was recognised
// from and a "provenance" object (capsim key -> "<file>: <path in that file>"), and placeholder
// request classes and jobs whose unknown values are strings starting with "FILL IN: ".
#pragma once

#include "import/assemble.hpp"
#include "import/import.hpp"
#include "import/model.hpp"

namespace capsim::import {

// The placeholder prefix; capsim validate flags every string value that starts with it.
inline constexpr const char* kFillIn = "FILL IN: ";

ImportResult write_topology(const Inputs& in, const Assembly& a);

}  // namespace capsim::import
