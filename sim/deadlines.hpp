// Answers that must come within a fixed time (gunicorn's worker `timeout`): each pending answer is
// either given by the work, or replaced by a failure when its deadline passes, whichever is first.
// All deadlines have the same length, so they fall due in the order they began: one FIFO and at
// most one pending timer serve them all, instead of a timer per request on the hot path.
#pragma once

#include <cstdint>
#include <deque>

#include "sim/component.hpp"

namespace capsim::sim {

class Engine;

class Deadlines {
 public:
  using Id = std::uint64_t;
  // timeout <= 0: answers are never replaced.
  Deadlines(Engine& engine, double timeout, const char* cause);

  Id begin(Continuation done);
  // Passes `o` on, unless the deadline already answered for it (then the late answer is dropped).
  void answer(Id id, Outcome o);
  std::uint64_t expired() const { return expired_; }
  void reset_stats() { expired_ = 0; }

 private:
  struct Pending {
    double deadline;
    Continuation done;  // empty once answered
  };
  void expire();
  void arm();
  Engine& engine_;
  double timeout_;
  const char* cause_;
  std::deque<Pending> pending_;
  Id first_ = 0;  // id of pending_.front()
  bool armed_ = false;
  std::uint64_t expired_ = 0;
};

}  // namespace capsim::sim
