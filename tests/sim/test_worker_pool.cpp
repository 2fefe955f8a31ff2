// The engine's building blocks with hand-checked timelines: WorkerPool (FCFS slots, queue limit,
// wait timeout, reserve slots after a wait) and Deadlines (answers within a fixed time). Each case
// builds its own Engine in a child process (one SimGrid engine per process).
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "sim/deadlines.hpp"
#include "sim/engine.hpp"
#include "sim/worker_pool.hpp"
#include "tests/support/support.hpp"

using capsim::sim::Deadlines;
using capsim::sim::Engine;
using capsim::sim::Outcome;
using capsim::sim::WorkerPool;
using capsim::testing::in_child_process;

namespace {

// Client `name` arrives at `at`, asks `pool` for a slot, holds it for `hold`, and logs what
// happened.
void client(Engine& e, WorkerPool& pool, std::string& log, const char* name, double at,
            double hold) {
  e.at(at, [&e, &pool, &log, name, hold] {
    pool.acquire([&e, &pool, &log, name, hold](WorkerPool::Result r) {
      if (r == WorkerPool::Result::QueueFull) {
        log += fmt::format("{} full@{:g} ", name, e.now());
      } else if (r == WorkerPool::Result::TimedOut) {
        log += fmt::format("{} timeout@{:g} ", name, e.now());
      } else {
        log += fmt::format("{} start@{:g} ", name, e.now());
        e.after(hold, [&pool] { pool.release(); });
      }
    });
  });
}

}  // namespace

TEST_CASE("a worker pool serves FCFS and times waiters out in order", "[engine][pool]") {
  std::string log = in_child_process([] {
    Engine e;
    WorkerPool pool(e, 1, std::nullopt, 5.0);
    std::string log;
    client(e, pool, log, "A", 0, 10);
    client(e, pool, log, "B", 1, 1);
    client(e, pool, log, "C", 2, 1);
    client(e, pool, log, "D", 9, 1);  // waits 1 s: A releases at 10
    e.run_until(100);
    return log + fmt::format("| timed_out {} waited {}", pool.timed_out(), pool.waited());
  });
  CHECK(log == "A start@0 B timeout@6 C timeout@7 D start@10 | timed_out 2 waited 1");
}

TEST_CASE("a worker pool refuses beyond its waiting places", "[engine][pool]") {
  std::string log = in_child_process([] {
    Engine e;
    WorkerPool pool(e, 1, 1LL);
    std::string log;
    client(e, pool, log, "A", 0, 10);
    client(e, pool, log, "B", 1, 1);
    client(e, pool, log, "C", 2, 1);
    e.run_until(100);
    return log + fmt::format("| rejected {}", pool.rejected());
  });
  CHECK(log == "A start@0 C full@2 B start@10 | rejected 1");
}

TEST_CASE("reserve slots go to waiters that waited reserve_after (PgBouncer)", "[engine][pool]") {
  std::string log = in_child_process([] {
    Engine e;
    WorkerPool pool(e, 1, std::nullopt, 0, 1, 5.0);  // pool 1 + reserve 1 after 5 s of waiting
    std::string log;
    client(e, pool, log, "A", 0, 100);
    client(e, pool, log, "B", 1, 3);  // reserve at 6, holds it until 9
    client(e, pool, log, "C", 2, 1);  // reserve busy at 7; takes it when B frees it at 9
    e.run_until(200);
    return log + fmt::format("| reserve {}", pool.reserve_granted());
  });
  CHECK(log == "A start@0 B start@6 C start@9 | reserve 2");
}

TEST_CASE("deadlines answer with a failure when the work is late, with one timer for all",
          "[engine][deadlines]") {
  std::string log = in_child_process([] {
    Engine e;
    Deadlines deadlines(e, 5.0, "timeout");
    std::string log;
    auto request = [&](const char* name, double at, double work) {
      e.at(at, [&, name, work] {
        auto id = deadlines.begin([&, name](Outcome o) {
          log += fmt::format("{} {}@{:g} ", name, o.ok ? "ok" : o.cause, e.now());
        });
        e.after(work, [&, id] { deadlines.answer(id, Outcome{}); });
      });
    };
    request("A", 0, 3);
    request("B", 1, 7);  // late: the deadline answers at 6, the work's answer at 8 is dropped
    request("C", 2, 1);
    e.run_until(50);
    std::uint64_t before = e.events();
    for (int i = 0; i < 1000; ++i) request("x", 100 + i * 0.01, 1);
    e.run_until(200);
    // 2000 events are the requests' own arrival and completion; deadlines add at most a few.
    return log.substr(0, log.find(" x")) + fmt::format(" | expired {} extra events {}",
                                                       deadlines.expired(),
                                                       e.events() - before - 2000);
  });
  INFO(log);
  CHECK(log.rfind("A ok@3 C ok@3 B timeout@6", 0) == 0);
  CHECK(log.find("expired 1 ") != std::string::npos);
  // one timer at a time: far fewer than one per request
  auto extra = std::stoi(log.substr(log.rfind(' ') + 1));
  CHECK(extra <= 10);
}
