#include "runs/fork_child.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "runs/wire.hpp"

namespace capsim::runs {

using namespace sim;

Child spawn(const Blueprint& system, const LoadSpec& load, RunSpec run, int replication) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // else the child inherits unwritten stdout and writes it out a second time
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    int status = 0;
    try {
      run.replication = replication;
      run.timeseries = run.timeseries && replication == 0;
      out = result_to_wire(run_replication(system, load, run));
    } catch (const std::exception& e) {
      out = error_to_wire(e.what());
      status = 1;
    }
    std::size_t written = 0;
    while (written < out.size()) {
      ssize_t n = write(fds[1], out.data() + written, out.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    // _exit: the engine's leftover timers and SimGrid's globals are not torn down (docs/ENGINE.md).
    _exit(status);
  }
  close(fds[1]);
  return Child{pid, fds[0], replication, {}};
}

ReplicationResult collect(Child& c) {
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(c.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    c.data.append(buffer, static_cast<std::size_t>(n));
  }
  close(c.fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  if (WIFSIGNALED(status))
    throw std::runtime_error("replication " + std::to_string(c.replication) + " crashed (signal " +
                             std::to_string(WTERMSIG(status)) + ")");
  return decode(c.data, "replication " + std::to_string(c.replication));
}

}  // namespace capsim::runs
