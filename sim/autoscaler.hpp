// Autoscalers: the Kubernetes HPA, the runbooks' threshold step scripts, and queue-depth worker
// scaling. A policy's decision (ScalingDecision) is plain arithmetic on observations, testable
// without an engine; Autoscaler runs it every period against a Scalable component.
#pragma once

#include <deque>
#include <utility>
#include <variant>

namespace capsim::sim {

class Engine;

// The policies a topology's `autoscale` block states (read by models/autoscale_params.cpp).
struct HpaPolicy {
  int min = 1, max = 10;
  double target_cpu = 0.8;
  double tolerance = 0.1;          // k8s HPA docs: --horizontal-pod-autoscaler-tolerance 0.1
  double sync_period = 15;         // k8s HPA docs: --horizontal-pod-autoscaler-sync-period 15s
  double scale_down_window = 300;  // k8s HPA docs: default behavior, scaleDown stabilisation 300s
  double startup = 30;             // pod start-up + readiness; k8s initial-readiness-delay 30s
};
struct StepPolicy {  // VoiceAssist runbook va-autoscale: +1/-1 at 70%/30% every 60s
  int min = 1, max = 10;
  double scale_up_at = 0.7, scale_down_at = 0.3;
  int step_up = 1, step_down = 1;
  double interval = 60;
  double sustain = 0;  // Cahoots runbook: "CPU > 70% for 5 minutes", step_up 2
  double startup = 30;
};
struct QueueDepthPolicy {  // insurance runbook: waiting > 1000 -> scale up, < 100 -> scale down
  int min = 1, max = 10;
  long long scale_up_above = 1000, scale_down_below = 100;
  int up_to = 10, down_to = 1;
  double interval = 30;
  double startup = 30;
};
using Autoscale = std::variant<std::monostate, HpaPolicy, StepPolicy, QueueDepthPolicy>;

// What a scalable component offers an autoscaler.
class Scalable {
 public:
  virtual ~Scalable() = default;
  virtual int desired_replicas() const = 0;  // the count last asked for, starting ones included
  virtual void scale_to(int replicas) = 0;   // new replicas serve after their start-up delay
  virtual double cpu_utilisation() = 0;      // mean over ready replicas since the last call, 0..1
  virtual double queue_depth() const = 0;    // work waiting now
};

// HPA's core rule (k8s horizontal-pod-autoscale.md): desired = ceil(current x metric / target),
// unless the ratio is within the tolerance (0.1), then clamped to [min, max].
int hpa_proposal(const HpaPolicy& p, int current, double utilisation);
// HPA's default scale-up policies per period: 100% or 4 pods, whichever allows more (selectPolicy
// Max), so from `current` at most max(2 x current, current + 4).
int hpa_scale_up_limit(int current);

// A policy's bounds and its replicas' start-up delay; no policy: (1, 0, 0).
int policy_min(const Autoscale& a);
int policy_max(const Autoscale& a);  // 0 without a policy
double policy_startup(const Autoscale& a);

class ScalingDecision {
 public:
  explicit ScalingDecision(Autoscale policy);
  bool enabled() const { return policy_.index() != 0; }
  double period() const;  // how often it decides
  // One evaluation at `now`: the replica count to run, from the current count, the CPU utilisation
  // over the last period and the queue depth.
  int decide(double now, int current, double cpu, double queue);

 private:
  int decide_hpa(const HpaPolicy& p, double now, int current, double cpu);
  int decide_step(const StepPolicy& p, double now, int current, double cpu);
  Autoscale policy_;
  std::deque<std::pair<double, int>> recommendations_;  // HPA scale-down stabilisation window
  double above_since_ = -1;                             // step policy: since when CPU is above
};

// Runs `decision` every period from time 0, against `target`.
class Autoscaler {
 public:
  Autoscaler(Engine& engine, const Autoscale& policy, Scalable& target);

 private:
  void tick();
  Engine& engine_;
  ScalingDecision decision_;
  Scalable& target_;
};

}  // namespace capsim::sim
