// capsim's speed benchmark (not a unit test: timings on shared machines are noisy).
//   tandem:      Poisson 80/s through A (c=4, exp 40 ms), B (c=8, exp 50 ms), C (c=1, exp 0.5 ms);
//                1,000,000 measured requests after a warm-up.
//   voiceassist: topologies/voiceassist.json with 10 app replicas at 500 rps, 10 simulated minutes.
//   memory:      the tandem overloaded, to measure the memory held per in-flight request.
// Prints simulated requests per wall-second, engine events per second and peak memory.
// Run: cmake --build build/release --target bench   (or build/release/bench/capsim_bench)
#include <sys/resource.h>

#include <cstdio>
#include <string>

#include "config/load.hpp"
#include "models/registry.hpp"
#include "plan/planner.hpp"
#include "sim/simulation.hpp"
namespace core = capsim::core;

using namespace capsim;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

config::Topology tandem() {
  config::Topology t;
  t.name = "tandem";
  auto station = [](const char* name, int servers, double mean) {
    config::Component c;
    c.name = name;
    c.kind = "station";
    capsim::models::StationParams s;
    s.servers = servers;
    s.service = core::Distribution::exponential(mean);
    c.spec = s;
    return c;
  };
  t.components = {station("A", 4, 0.040), station("B", 8, 0.050), station("C", 1, 0.0005)};
  config::RequestClass r;
  r.name = "job";
  r.share = 1;
  for (const char* n : {"A", "B", "C"}) {
    config::Call c;
    c.to = n;
    r.calls.push_back(c);
  }
  t.requests = {r};
  return t;
}

void report(const char* name, const sim::ReplicationResult& r, long rss_before) {
  std::uint64_t done = 0, failed = 0;
  for (const auto& c : r.classes) {
    done += c.completed;
    failed += c.failed;
  }
  long rss = peak_rss_kib();
  std::printf(
      "%-12s %9llu requests in %6.2f s wall: %9.0f requests/s, %9.0f events/s, "
      "peak RSS %ld MiB, peak in flight %llu (%.0f B each at most)\n",
      name, static_cast<unsigned long long>(done), r.wall_seconds, done / r.wall_seconds,
      r.events / r.wall_seconds, rss / 1024, static_cast<unsigned long long>(r.peak_in_flight),
      r.peak_in_flight ? (rss - rss_before) * 1024.0 / r.peak_in_flight : 0.0);
  if (failed)
    std::printf("%-12s %llu requests failed\n", name, static_cast<unsigned long long>(failed));
}

}  // namespace

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "tandem";
  long rss_before = peak_rss_kib();
  // One SimGrid engine per process: run one benchmark per invocation.
  if (which == "tandem") {
    sim::LoadSpec load;
    load.rps = 80;
    sim::RunSpec run;
    run.warmup = 500;
    run.duration = 1e6 / 80;  // 1,000,000 measured requests on average
    run.timeseries = false;
    report("tandem", sim::run_replication(tandem(), load, run), rss_before);
  } else if (which == "voiceassist") {
    auto catalog = config::load_catalog(std::string(CAPSIM_SOURCE_DIR) +
                                        "/experiments/catalog-aws-us-east-1.json");
    auto topology = capsim::models::load_topology(
        std::string(CAPSIM_SOURCE_DIR) + "/topologies/voiceassist.json", &catalog);
    // 500 rps needs ~9 cores of app CPU: run the runbook's maximum of 10 replicas so the system
    // holds the load (3 replicas saturate, which would measure an overload instead).
    for (auto& c : topology.components)
      if (auto* app = std::get_if<capsim::models::AppParams>(&c.spec)) app->replicas = 10;
    sim::LoadSpec load;
    load.rps = 500;
    sim::RunSpec run;
    run.warmup = 60;
    run.duration = 600;
    run.timeseries = false;
    report("voiceassist", sim::run_replication(topology, load, run), rss_before);
  } else if (which == "memory") {
    // Memory per in-flight request: overload the tandem (A serves 100/s, 200/s arrive) so that
    // ~150,000 requests wait at once; the RSS growth divided by that count bounds the cost of one.
    sim::LoadSpec load;
    load.rps = 200;
    sim::RunSpec run;
    run.warmup = 1;
    run.duration = 1500;
    run.timeseries = false;
    run.max_in_flight = 1 << 30;
    report("memory", sim::run_replication(tandem(), load, run), rss_before);
  } else if (which == "plan") {
    // The planner's target: a 12-month plan of VoiceAssist, N+1 drills included, under 60 s on
    // the 2-core machine. Simulations fan out over all cores.
    std::string root = CAPSIM_SOURCE_DIR;
    auto catalog = config::load_catalog(root + "/experiments/catalog-aws-us-east-1.json");
    auto topology = capsim::models::load_topology(root + "/topologies/voiceassist.json", &catalog);
    auto traffic = config::load_traffic(root + "/experiments/voiceassist-growth.json");
    auto slo = config::load_slo(root + "/experiments/slo-default.json");
    plan::PlanOptions options;
    options.horizon = 12;
    auto result = plan::make_plan(topology, traffic, catalog, slo, options);
    int recommended = 0;
    for (const auto& p : result.periods) recommended += p.recommended;
    std::printf(
        "%-12s 12 periods (%d recommended), %d simulations in %.2f s wall: %.2f s per "
        "period\n",
        "plan", recommended, result.simulations, result.wall_seconds, result.wall_seconds / 12);
  } else {
    std::fprintf(stderr, "usage: capsim_bench [tandem|voiceassist|memory|plan]\n");
    return 2;
  }
  return 0;
}
