// One replication in a forked child: spawn() forks and runs it there, collect() reads its result
// from the pipe and reaps the child.
#pragma once

#include <sys/types.h>

#include <string>

#include "sim/simulation.hpp"

namespace capsim::runs {

struct Child {
  pid_t pid;
  int fd;  // the read end of the child's pipe
  int replication;
  std::string data;
};

Child spawn(const sim::Blueprint& system, const sim::LoadSpec& load, sim::RunSpec run,
            int replication);
// Blocks until the child is done; throws std::runtime_error if it crashed or failed.
sim::ReplicationResult collect(Child& child);

}  // namespace capsim::runs
