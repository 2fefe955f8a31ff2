// Autoscalers: the policies' arithmetic with hand-derived values, then a whole day under the HPA
// through `capsim simulate --profile day`, asserted from the replica time series.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/autoscaler.hpp"
#include "tests/support/support.hpp"

namespace fs = std::filesystem;
using capsim::sim::hpa_proposal;
using capsim::sim::hpa_scale_up_limit;
using capsim::sim::ScalingDecision;
using capsim::testing::run_capsim;

TEST_CASE("HPA: desired = ceil(current x metric / target) outside the tolerance", "[autoscale]") {
  capsim::sim::HpaPolicy p;  // k8s defaults: tolerance 0.1
  p.min = 1;
  p.max = 20;
  p.target_cpu = 0.5;
  CHECK(hpa_proposal(p, 4, 0.5) == 4);    // ratio 1
  CHECK(hpa_proposal(p, 4, 0.54) == 4);   // ratio 1.08: within the tolerance
  CHECK(hpa_proposal(p, 4, 0.56) == 5);   // ratio 1.12: ceil(4.48)
  CHECK(hpa_proposal(p, 4, 1.0) == 8);    // ratio 2
  CHECK(hpa_proposal(p, 4, 0.2) == 2);    // ratio 0.4: ceil(1.6)
  CHECK(hpa_proposal(p, 10, 1.0) == 20);  // clamped to max
  CHECK(hpa_proposal(p, 2, 0.0) == 1);    // clamped to min
  // Scale-up limit per period: 100% or 4 pods, whichever is more.
  CHECK(hpa_scale_up_limit(1) == 5);
  CHECK(hpa_scale_up_limit(4) == 8);
  CHECK(hpa_scale_up_limit(10) == 20);
}

TEST_CASE("HPA: scale-up is limited per period, scale-down waits out the stabilisation window",
          "[autoscale]") {
  capsim::sim::HpaPolicy p;
  p.min = 1;
  p.max = 100;
  p.target_cpu = 0.5;
  ScalingDecision d(p);
  CHECK(d.period() == 15);
  CHECK(d.decide(15, 2, 1.0, 0) == 4);  // wants 4: within max(2x2, 2+4)
  CHECK(d.decide(30, 4, 2.0, 0) == 8);  // wants 16, limited to max(8, 8) = 8
  // Load drops: the recommendation is 2, but 16 was recommended within the last 300 s.
  CHECK(d.decide(45, 8, 0.125, 0) == 8);
  CHECK(d.decide(300, 8, 0.125, 0) == 8);  // 16 (t=30) is still inside (0, 300]
  CHECK(d.decide(331, 8, 0.125, 0) == 2);  // everything since t=31 recommended 2
}

TEST_CASE("step policy: VoiceAssist's +1/-1 and Cahoots' +2 after 5 minutes above", "[autoscale]") {
  capsim::sim::StepPolicy va;  // va-autoscale: min 2, max 10, 70% / 30%, every 60 s
  va.min = 2;
  va.max = 10;
  ScalingDecision v(va);
  CHECK(v.decide(60, 3, 0.75, 0) == 4);
  CHECK(v.decide(120, 4, 0.5, 0) == 4);
  CHECK(v.decide(180, 4, 0.2, 0) == 3);
  CHECK(v.decide(240, 2, 0.1, 0) == 2);    // not below min
  CHECK(v.decide(300, 10, 0.9, 0) == 10);  // not above max

  capsim::sim::StepPolicy cahoots;  // "CPU > 70% for 5 minutes": +2, then monitor again
  cahoots.min = 4;
  cahoots.max = 20;
  cahoots.step_up = 2;
  cahoots.interval = 60;
  cahoots.sustain = 300;
  ScalingDecision c(cahoots);
  CHECK(c.decide(60, 4, 0.8, 0) == 4);   // above since 0: 1 minute
  CHECK(c.decide(240, 4, 0.8, 0) == 4);  // 4 minutes
  CHECK(c.decide(300, 4, 0.8, 0) == 6);  // 5 minutes: +2
  CHECK(c.decide(360, 6, 0.8, 0) == 6);  // the clock starts again
  CHECK(c.decide(420, 6, 0.5, 0) == 6);  // dipped: reset
  CHECK(c.decide(480, 6, 0.8, 0) == 6);
}

TEST_CASE("queue-depth policy: the insurance runbook's thresholds", "[autoscale]") {
  capsim::sim::QueueDepthPolicy q;  // waiting > 1000 -> 10 workers, < 100 -> 2
  q.min = 2;
  q.max = 10;
  q.up_to = 10;
  q.down_to = 2;
  ScalingDecision d(q);
  CHECK(d.decide(30, 3, 0, 1500) == 10);
  CHECK(d.decide(60, 10, 0, 500) == 10);
  CHECK(d.decide(90, 10, 0, 50) == 2);
}

TEST_CASE("a day under the HPA: replicas follow the diurnal curve, scale-down waits 300 s",
          "[autoscale][day]") {
  // One app replica has 1 vCPU; requests need 100 ms of CPU; 10 rps on average with a daily peak
  // of 2x (14:00) and a trough near 0 (02:00). At the peak 2 cores are busy: at 50% target the
  // HPA wants about 4 replicas; at the trough the minimum of 1.
  fs::path dir = fs::temp_directory_path() / ("capsim-day-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "topology.json") << R"({"name": "hpa-day", "components": {
      "api": {"kind": "app", "vcpus": 1, "replicas": 2, "workers": 50,
              "autoscale": {"policy": "hpa", "min": 1, "max": 10, "target_cpu": 0.5, "startup": "30s"}}},
    "requests": {"r": {"share": 1, "calls": [{"to": "api", "cpu": {"dist": "exp", "mean": "100ms"}}]}}})";
  std::ofstream(dir / "traffic.json") << R"({"name": "day", "start": "2027-01", "months": 1,
    "base": {"rps": 10}, "daily": {"peak_to_mean": 2}})";
  auto r = run_capsim("simulate '" + (dir / "topology.json").string() + "' --traffic '" +
                      (dir / "traffic.json").string() +
                      "' --profile day --replications 1 --sample-interval 1m --quiet --out '" +
                      (dir / "out").string() + "' --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::map<double, int> replicas;  // time -> ready replicas
  for (const auto& row : capsim::testing::read_timeseries(dir / "out" / "timeseries.csv"))
    if (row.component == "api" && row.metric == "replicas")
      replicas[row.time] = static_cast<int>(row.value);
  fs::remove_all(dir);
  REQUIRE(replicas.size() >= 24 * 60 - 1);
  auto at_hour = [&](double h) { return replicas.lower_bound(h * 3600)->second; };
  INFO("replicas at 02:00 " << at_hour(2) << ", 14:00 " << at_hour(14) << ", 20:00 "
                            << at_hour(20));
  CHECK(at_hour(14) >= 3);  // the peak needs ~4 at 50% of 1 vCPU each
  CHECK(at_hour(14) <= 6);
  CHECK(at_hour(2) <= 2);  // the trough runs at the minimum or near it
  CHECK(at_hour(14) > at_hour(2));
  // Stabilisation: once a level is reached by scaling up (its recommendation came a start-up of
  // 30 s earlier), no scale-down below it comes within 300 s of that recommendation.
  double last_up = -1e9;
  int level = replicas.begin()->second;
  for (const auto& [t, n] : replicas) {
    if (n > level) last_up = t;
    if (n < level) CHECK(t - last_up >= 300 - 30 - 60);  // one sample interval of slack
    level = n;
  }
}

TEST_CASE("queue-depth scaling of workers: up past the high mark, down below the low one",
          "[autoscale][worker_queue]") {
  // 5 jobs/s of 1 s each; one worker (concurrency 1) does 1 job/s, so the backlog grows by 4/s and
  // passes 50 within ~13 s. At the next check (every 30 s) the policy asks for 10 workers, ready 10
  // s later; 10 jobs/s drain the backlog, it falls under 5, and the next check goes back to 1.
  fs::path dir = fs::temp_directory_path() / ("capsim-qd-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "topology.json") << R"({"name": "queue-depth", "components": {
      "api": {"kind": "station", "servers": 100, "service": "1ms"},
      "broker": {"kind": "redis"},
      "ml": {"kind": "station", "servers": 1000, "service": "1s"},
      "jobs": {"kind": "worker_queue", "broker": "broker", "workers": 1, "concurrency": 1,
               "autoscale": {"policy": "queue_depth", "min": 1, "max": 10, "scale_up_above": 50,
                             "up_to": 10, "scale_down_below": 5, "down_to": 1, "interval": "30s",
                             "startup": "10s"}}},
    "requests": {"r": {"share": 1, "calls": [{"to": "api", "calls": [{"to": "jobs", "enqueue": "infer"}]}]}},
    "jobs": {"infer": {"calls": [{"to": "ml"}]}}})";
  auto r = run_capsim("simulate '" + (dir / "topology.json").string() +
                      "' --rps 5 --duration 10m --warmup 1s --replications 1 --sample-interval 5s "
                      "--quiet --out '" +
                      (dir / "out").string() + "' --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::vector<std::pair<double, int>> workers;
  double max_waiting = 0;
  for (const auto& row : capsim::testing::read_timeseries(dir / "out" / "timeseries.csv")) {
    if (row.component != "jobs") continue;
    if (row.metric == "replicas") workers.emplace_back(row.time, static_cast<int>(row.value));
    if (row.metric == "waiting_jobs") max_waiting = std::max(max_waiting, row.value);
  }
  fs::remove_all(dir);
  REQUIRE(!workers.empty());
  CHECK(max_waiting > 50);
  int most = 0;
  double first_ten = -1, back_to_one = -1;
  for (const auto& [t, n] : workers) {
    most = std::max(most, n);
    if (n == 10 && first_ten < 0) first_ten = t;
    if (n == 1 && first_ten >= 0 && back_to_one < 0) back_to_one = t;
  }
  CHECK(most == 10);
  CHECK(first_ten > 30);   // decided at the 30 s check at the earliest, ready 10 s later
  CHECK(first_ten <= 45);  // ... and sampled every 5 s
  CHECK(back_to_one > first_ten);
}
