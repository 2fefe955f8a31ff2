// The mongodb kind: its pure rules against hand-derived values, the failover drill against
// MongoDB's documented election and the drivers' server selection and retries
// (docs/SEMANTICS.md 2.12), and its part in the graph and the planner.
#include <catch2/catch.hpp>
#include <string>

#include "analysis/graph.hpp"
#include "models/mongodb/rules.hpp"
#include "plan/stages.hpp"
#include "tests/support/drill_support.hpp"

using namespace capsim::testing::drills;
using capsim::testing::cls;
using capsim::testing::comp;
namespace models = capsim::models;
namespace plan = capsim::plan;

namespace {

// An app and a replica set; reads and writes at 3 ms each, a 1 ms round trip. `vcpus` per member.
std::string mongo_topology(const std::string& settings, int vcpus = 4) {
  return R"({"name": "mongo-drill", "network": {"rtt": "1ms"}, "components": {
      "api": {"kind": "app", "replicas": 8, "vcpus": 2, "workers": 200},
      "db": {"kind": "mongodb", "vcpus": )" +
         std::to_string(vcpus) + settings + R"(}},
    "requests": {
      "read": {"share": 0.5, "calls": [{"to": "api", "cpu": "1ms",
               "calls": [{"to": "db", "query": "read", "time": "3ms"}]}]},
      "write": {"share": 0.5, "idempotent": false, "calls": [{"to": "api", "cpu": "1ms",
                "calls": [{"to": "db", "query": "write", "time": "3ms"}]}]}}})";
}

const char* kLosePrimary =
    R"({"name": "lose the primary", "actions": [{"at": "30s", "action": "kill",
        "target": "db.primary"}]})";

}  // namespace

TEST_CASE("mongodb rules: majority, election start, write acknowledgment", "[mongodb]") {
  // "1 plus half the number of voting members, rounded down"
  CHECK(models::mongo_majority(1) == 1);
  CHECK(models::mongo_majority(2) == 2);
  CHECK(models::mongo_majority(3) == 2);
  CHECK(models::mongo_majority(5) == 3);
  CHECK(models::mongo_majority(7) == 4);
  // Last contact at 4 s, electionTimeoutMillis 10 s, offset up to 15% of it.
  CHECK(models::mongo_election_start(4, 10, 0) == Approx(14));
  CHECK(models::mongo_election_start(4, 10, 0.5) == Approx(14.75));
  CHECK(models::mongo_election_start(4, 10, 1) == Approx(15.5));
  // w: 1 waits for nobody; w > 1 one round trip (1 ms when the topology gives none).
  CHECK(models::mongo_write_wait(1, 0.0003) == 0);
  CHECK(models::mongo_write_wait(2, 0.0003) == Approx(0.0003));
  CHECK(models::mongo_write_wait(2, 0) == Approx(0.001));
}

TEST_CASE(
    "mongodb: losing the primary elects a secondary 8-11.5 s later, the drivers wait and "
    "retry, so requests slow down but none fails and nothing acknowledged is lost",
    "[mongodb][drill]") {
  auto t = topology(mongo_topology(R"(, "members": 3)"));
  auto s = scenario(kLosePrimary, t);
  auto summary = drill(t, s, 200, 90, 10, 5);
  print_timeline("mongodb primary loss", summary);
  // The last heartbeat from the primary reached the first candidate 0-2 s before the kill; its
  // timer runs 10 s plus 0-1.5 s: it stands 8-11.5 s after the kill.
  auto detected = events(summary, "detected", "db");
  REQUIRE(detected.size() == 1);
  CHECK(detected[0].time - 30 >= 8.0);
  CHECK(detected[0].time - 30 <= 11.5);
  auto elected = events(summary, "elected", "db");
  REQUIRE(elected.size() == 1);
  // Two round trips of votes (2 ms) and 100 ms of catch-up and drain.
  CHECK(elected[0].time - detected[0].time == Approx(0.102).margin(1e-6));
  // No request fails: waiting (server selection, 30 s) and one retry cover the election.
  CHECK(cls(summary, "read").failed == 0);
  CHECK(cls(summary, "write").failed == 0);
  // The requests that waited show it: one sent just after the kill waits until the drivers find
  // the new primary, 8-11.6 s later.
  double slowest = cls(summary, "write").latency.max();
  CHECK(slowest > 8);
  CHECK(slowest < 12);
  // w: "majority": what the dead primary acknowledged was on a secondary.
  CHECK(summary.drill->lost_writes.mean == 0);
  CHECK(extra(summary, "db", "waited_for_primary") > 0);
}

TEST_CASE("mongodb: with w: 1 the writes acknowledged within one round trip are rolled back",
          "[mongodb][drill]") {
  // 2000 writes/s and a 1 ms round trip: about 2 writes not yet on a secondary at the kill (16
  // vCPUs per member: 4000 x 3 ms = 12 busy, so the database keeps up).
  auto t = topology(mongo_topology(R"(, "members": 3, "write_concern": 1)", 16));
  auto s = scenario(kLosePrimary, t);
  auto summary = drill(t, s, 4000, 35, 2, 5);
  CHECK(summary.drill->lost_writes.mean > 0.5);
  CHECK(summary.drill->lost_writes.mean < 6);
}

TEST_CASE("mongodb: operations that wait longer than serverSelectionTimeoutMS fail",
          "[mongodb][drill]") {
  // A 5 s timeout is shorter than the 8-11.5 s election: requests waiting 5 s give up.
  auto t = topology(mongo_topology(R"(, "members": 3, "server_selection_timeout": "5s")"));
  auto s = scenario(kLosePrimary, t);
  auto summary = drill(t, s, 200, 60, 10, 3);
  CHECK(errors(cls(summary, "write"), "mongodb: no primary within serverSelectionTimeoutMS") > 0);
}

TEST_CASE("mongodb: a set that lost its majority elects no primary", "[mongodb][drill]") {
  auto t = topology(mongo_topology(R"(, "members": 3)"));
  auto s = scenario(R"({"name": "lose two", "actions": [
      {"at": "30s", "action": "kill", "target": "db.secondary[0]"},
      {"at": "31s", "action": "kill", "target": "db.primary"}]})",
                    t);
  auto summary = drill(t, s, 100, 60, 10, 1);
  CHECK(events(summary, "elected", "db").empty());
  CHECK_FALSE(events(summary, "no failover", "db").empty());
}

TEST_CASE(
    "mongodb in the graph and the planner: a set of two is a single point of failure, and "
    "N+1 takes three members",
    "[mongodb][plan]") {
  auto two = topology(mongo_topology(R"(, "members": 2)"));
  CHECK(capsim::analysis::spof_note(two.components[1]) ==
        "2 members: losing one leaves no majority to elect a primary");
  CHECK(capsim::analysis::instance_summary(two.components[1]) ==
        "mongodb x 2 (primary + 1 secondary)");
  auto three = topology(mongo_topology(R"(, "members": 3)"));
  CHECK(capsim::analysis::spof_note(three.components[1]).empty());

  auto one = topology(mongo_topology(R"(, "members": 1)"));
  auto knobs = plan::knobs(one);
  plan::Setup written;
  for (const auto& c : one.components) written.push_back(plan::current_choice(c));
  config::Catalog catalog;
  plan::Search found = plan::search(one, knobs, std::nullopt, written, 100, 0.7, catalog);
  REQUIRE(found.feasible);
  CHECK(found.cheapest[1].count == 3);  // the least a set needs to elect after losing one
}
