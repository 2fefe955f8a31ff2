// A replication's result as JSON text and back: how forked children send theirs to the parent,
// and how the MPI executor ships them between ranks. Exact: doubles are printed with enough digits
// to read back the same.
#pragma once

#include <string>

#include "sim/simulation.hpp"

namespace capsim::runs {

std::string result_to_wire(const sim::ReplicationResult& result);
// Throws std::runtime_error when `text` is not a result.
sim::ReplicationResult result_from_wire(const std::string& text);
// What a worker that failed sends instead of a result.
std::string error_to_wire(const std::string& message);
// What a worker (`who`, for messages) sent: its result; or throws "<who>: <its error>", or
// "<who> sent no result".
sim::ReplicationResult decode(const std::string& text, const std::string& who);

}  // namespace capsim::runs
