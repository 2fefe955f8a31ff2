// Drills run in process on small topologies written in a test: reading them (every problem shown
// on failure), playing a scenario through run_replications (forked children: SimGrid allows one
// engine per process), and reading the summary's drill figures.
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/load.hpp"
#include "models/blueprint.hpp"
#include "models/registry.hpp"
#include "runs/replications.hpp"
#include "sim/summary.hpp"
#include "tests/support/summary_support.hpp"

namespace capsim::testing::drills {

namespace core = capsim::core;
namespace config = capsim::config;
namespace sim = capsim::sim;
using Json = nlohmann::json;

inline std::string problems(const core::Diagnostics& d) {
  std::string out;
  for (const auto& p : d.problems()) out += p.to_string() + "\n";
  return out;
}

inline config::Topology topology(const std::string& text) {
  config::ReadContext ctx{"test-topology.json", {}};
  config::Topology t = config::read_topology(Json::parse(text), capsim::models::syntax(), ctx);
  INFO(problems(ctx.diagnostics));
  REQUIRE(ctx.diagnostics.ok());
  return t;
}

inline config::Scenario scenario(const std::string& text, const config::Topology& t) {
  config::ReadContext ctx{"test-scenario.json", {}};
  config::Scenario s = config::read_scenario(Json::parse(text), capsim::models::syntax(), ctx);
  config::check_scenario_against(s, t, capsim::models::syntax(), ctx);
  INFO(problems(ctx.diagnostics));
  REQUIRE(ctx.diagnostics.ok());
  return s;
}

// Plays `s` at `rps` for `duration` seconds after `warmup`; replication 0's timeline comes back in
// s.drill->first.events, with times from the end of the warm-up (the scenario's clock).
inline sim::RunSummary drill(const config::Topology& t, const config::Scenario& s, double rps,
                             double duration, double warmup, int replications,
                             std::uint64_t seed = 1) {
  sim::LoadSpec load;
  load.rps = rps;
  sim::RunSpec run;
  run.duration = duration;
  run.warmup = warmup;
  run.seed = seed;
  run.timeseries = false;
  run.sample_interval = duration;
  sim::Scenario played = capsim::models::scenario(s);
  run.drill.scenario = &played;
  capsim::runs::ReplicationPlan plan;
  plan.replications = replications;
  sim::RunSummary summary = capsim::runs::run_replications(t, load, run, plan);
  REQUIRE(summary.drill.has_value());
  return summary;
}

// The mean over replications of a component's extra figure.
inline double extra(const sim::RunSummary& s, const std::string& component,
                    const std::string& key) {
  const auto& c = comp(s, component);
  INFO(component << " extra " << key);
  REQUIRE(c.extra.count(key) == 1);
  return c.extra.at(key).mean;
}

inline double errors(const sim::ClassSummary& c, const std::string& cause) {
  auto it = c.errors.find(cause);
  return it == c.errors.end() ? 0 : it->second;
}

inline double total_errors(const sim::ClassSummary& c) {
  double n = 0;
  for (const auto& [cause, count] : c.errors) n += count;
  return n;
}

// Replication 0's events named `event` (of `component`, if given).
inline std::vector<sim::Timeline::Event> events(const sim::RunSummary& s, const std::string& event,
                                                const std::string& component = "") {
  std::vector<sim::Timeline::Event> out;
  for (const auto& e : s.drill->first.events)
    if (e.event == event && (component.empty() || e.component == component)) out.push_back(e);
  return out;
}

inline void print_timeline(const std::string& label, const sim::RunSummary& s) {
  std::printf("\n== %s: timeline of replication 1\n", label.c_str());
  for (const auto& e : s.drill->first.events)
    std::printf("  %8.2f  %-8s %-30s %s\n", e.time, e.component.c_str(), e.event.c_str(),
                e.detail.c_str());
}

}  // namespace capsim::testing::drills
