#include "sim/deadlines.hpp"

#include "sim/engine.hpp"

namespace capsim::sim {

Deadlines::Deadlines(Engine& engine, double timeout, const char* cause)
    : engine_(engine), timeout_(timeout), cause_(cause) {}

Deadlines::Id Deadlines::begin(Continuation done) {
  if (timeout_ <= 0) {
    // No deadline: keep the answer only until it is given.
    pending_.push_back({0, std::move(done)});
    return first_ + pending_.size() - 1;
  }
  pending_.push_back({engine_.now() + timeout_, std::move(done)});
  arm();
  return first_ + pending_.size() - 1;
}

void Deadlines::answer(Id id, Outcome o) {
  if (id < first_ || id >= first_ + pending_.size()) return;  // expired and dropped already
  Continuation done = std::move(pending_[id - first_].done);
  pending_[id - first_].done = nullptr;
  // Answered entries at the front are of no further use.
  while (!pending_.empty() && !pending_.front().done) {
    pending_.pop_front();
    ++first_;
  }
  if (done) done(o);
}

void Deadlines::expire() {
  armed_ = false;
  double now = engine_.now();
  while (!pending_.empty() && (!pending_.front().done || pending_.front().deadline <= now)) {
    Continuation done = std::move(pending_.front().done);
    pending_.pop_front();
    ++first_;
    if (done) {
      ++expired_;
      done(Outcome::failure(cause_));
    }
  }
  arm();
}

void Deadlines::arm() {
  if (armed_ || pending_.empty()) return;
  armed_ = true;
  engine_.at(pending_.front().deadline, [this] { expire(); });
}

}  // namespace capsim::sim
