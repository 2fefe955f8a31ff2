// The command line, end to end: every bad-input fixture under tests/fixtures/bad/ gets exactly the
// messages in its .expected file (stderr, then the exit status), and bad options get theirs.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::testing::Run;
using capsim::testing::run_capsim;
using capsim::testing::slurp;

TEST_CASE("every bad-input fixture gets its documented messages and exit 2", "[cli][fixtures]") {
  fs::path dir = fs::path(CAPSIM_TEST_DIR) / "fixtures" / "bad";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    fs::path expected_file = entry.path();
    expected_file.replace_extension(".expected");
    INFO("fixture " << entry.path().filename().string());
    REQUIRE(fs::exists(expected_file));
    Run r = run_capsim("validate tests/fixtures/bad/" + entry.path().filename().string());
    CHECK(r.err + "exit " + std::to_string(r.status) + "\n" == slurp(expected_file));
    CHECK(r.status == 2);
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("validate reports unreadable paths", "[cli]") {
  Run missing = run_capsim("validate no/such/file.json");
  CHECK(missing.status == 2);
  CHECK(missing.err == "no/such/file.json: /: cannot read file: no such file\n1 problem found\n");
  Run directory = run_capsim("validate tests/fixtures");
  CHECK(directory.status == 2);
  CHECK(directory.err ==
        "tests/fixtures: /: is a directory (expected a JSON file)\n1 problem found\n");
}

TEST_CASE("validate accepts every bundled input", "[cli]") {
  Run r = run_capsim("validate topologies/*.json experiments/*.json");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("topologies/voiceassist.json: ok") != std::string::npos);
}

TEST_CASE("simulate rejects bad options with one clear line and exit 2", "[cli]") {
  struct Case {
    const char* args;
    const char* err;
  };
  const Case cases[] = {
      {"simulate topologies/voiceassist.json --rps 100 --duration 0s",
       "capsim: --duration: \"0s\" must be greater than 0\n"},
      {"simulate topologies/voiceassist.json --rps 100 --duration 10",
       "capsim: --duration: \"10\" has no unit (expected one of ns, us, ms, s, m, min, h, d)\n"},
      {"simulate topologies/voiceassist.json --rps 1e12",
       "capsim: --rps: 1000000000000.000000 is out of range (expected at most 10,000,000)\n"},
      {"simulate topologies/voiceassist.json --rps -5", "capsim: --rps: must be greater than 0\n"},
      {"simulate topologies/voiceassist.json",
       "capsim: no load given (expected --traffic FILE or --rps N)\n"},
      {"simulate topologies/voiceassist.json --traffic experiments/voiceassist-growth.json --at "
       "2031-01",
       "capsim: --at: 2031-01 is outside the growth curve (2026-12 to 2027-06)\n"},
      {"simulate topologies/voiceassist.json --traffic experiments/voiceassist-growth.json --at "
       "june",
       "capsim: --at: \"june\" is not a month (expected YYYY-MM)\n"},
      {"simulate tests/fixtures/bad/cycle.json --rps 10",
       "tests/fixtures/bad/cycle.json: /requests/r/calls/0/calls/0/calls/0: call cycle: a -> b -> "
       "a\n"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    Run r = run_capsim(c.args);
    CHECK(r.status == 2);
    CHECK(r.err == c.err);
  }
}

TEST_CASE("graph prints DOT that Graphviz accepts, and blast radii as JSON", "[cli]") {
  Run dot = run_capsim("graph topologies/voiceassist.json");
  REQUIRE(dot.status == 0);
  CHECK(dot.out.rfind("digraph", 0) == 0);
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    fs::path dot_file =
        fs::temp_directory_path() / ("capsim-graph-" + std::to_string(::getpid()) + ".dot");
    std::ofstream(dot_file) << dot.out;
    std::string cmd = "dot -Tsvg '" + dot_file.string() + "' -o '" + dot_file.string() + ".svg'";
    CHECK(std::system(cmd.c_str()) == 0);
    CHECK(slurp(dot_file.string() + ".svg").find("<svg") != std::string::npos);
    fs::remove(dot_file);
    fs::remove(dot_file.string() + ".svg");
  } else {
    WARN("graphviz's dot is not installed: DOT syntax not checked");
  }
  Run json = run_capsim("graph topologies/voiceassist.json --format json");
  REQUIRE(json.status == 0);
  CHECK(json.out.find("\"blast_radius\"") != std::string::npos);
}
