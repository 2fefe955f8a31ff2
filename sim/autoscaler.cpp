#include "sim/autoscaler.hpp"

#include <algorithm>
#include <cmath>

#include "sim/engine.hpp"

namespace capsim::sim {

int hpa_proposal(const HpaPolicy& p, int current, double utilisation) {
  double ratio = utilisation / p.target_cpu;
  int desired = current;
  if (std::fabs(ratio - 1.0) > p.tolerance)
    desired = static_cast<int>(std::ceil(current * ratio - 1e-9));
  return std::clamp(desired, p.min, p.max);
}

namespace {
template <typename Get>
auto from_policy(const Autoscale& a, Get get, decltype(get(HpaPolicy{})) none) {
  if (const auto* h = std::get_if<HpaPolicy>(&a)) return get(*h);
  if (const auto* s = std::get_if<StepPolicy>(&a)) return get(*s);
  if (const auto* q = std::get_if<QueueDepthPolicy>(&a)) return get(*q);
  return none;
}
}  // namespace

int policy_min(const Autoscale& a) {
  return from_policy(
      a, [](const auto& p) { return std::max(p.min, 1); }, 1);
}
int policy_max(const Autoscale& a) {
  return from_policy(
      a, [](const auto& p) { return p.max; }, 0);
}
double policy_startup(const Autoscale& a) {
  return from_policy(
      a, [](const auto& p) { return p.startup; }, 0.0);
}

int hpa_scale_up_limit(int current) {
  return std::max(2 * current, current + 4);
}

ScalingDecision::ScalingDecision(Autoscale policy) : policy_(policy) {}

double ScalingDecision::period() const {
  if (const auto* h = std::get_if<HpaPolicy>(&policy_)) return h->sync_period;
  if (const auto* s = std::get_if<StepPolicy>(&policy_)) return s->interval;
  if (const auto* q = std::get_if<QueueDepthPolicy>(&policy_)) return q->interval;
  return 0;
}

int ScalingDecision::decide(double now, int current, double cpu, double queue) {
  if (const auto* h = std::get_if<HpaPolicy>(&policy_)) return decide_hpa(*h, now, current, cpu);
  if (const auto* s = std::get_if<StepPolicy>(&policy_)) return decide_step(*s, now, current, cpu);
  if (const auto* q = std::get_if<QueueDepthPolicy>(&policy_)) {
    // insurance runbook: waiting > 1000 -> up_to workers; waiting < 100 -> down_to workers
    int desired = current;
    if (queue > q->scale_up_above) desired = std::max(current, q->up_to);
    if (queue < q->scale_down_below) desired = std::min(current, q->down_to);
    return std::clamp(desired, q->min, q->max);
  }
  return current;
}

int ScalingDecision::decide_hpa(const HpaPolicy& p, double now, int current, double cpu) {
  int proposal = hpa_proposal(p, current, cpu);
  // Scale-down stabilisation: act on the highest recommendation of the window (default 300 s).
  recommendations_.emplace_back(now, proposal);
  while (!recommendations_.empty() && recommendations_.front().first < now - p.scale_down_window)
    recommendations_.pop_front();
  // Scale-up has no stabilisation window (k8s default behavior): the latest proposal counts.
  if (proposal > current) return std::min(proposal, hpa_scale_up_limit(current));
  // Scale-down goes no lower than the highest recommendation of the window; the scale-down policy
  // (100% per period) sets no further limit.
  int highest = proposal;
  for (const auto& [t, r] : recommendations_) highest = std::max(highest, r);
  return std::min(highest, current);
}

int ScalingDecision::decide_step(const StepPolicy& p, double now, int current, double cpu) {
  // VoiceAssist's va-autoscale: +step above scale_up_at, -step below scale_down_at, every interval.
  // Cahoots: only after CPU has stayed above for `sustain` (5 min), then +2 and watch again.
  if (cpu > p.scale_up_at) {
    if (above_since_ < 0) above_since_ = now - p.interval;  // this sample covers the last interval
    if (now - above_since_ + 1e-9 >= p.sustain) {
      above_since_ = -1;
      return std::min(current + p.step_up, p.max);
    }
    return current;
  }
  above_since_ = -1;
  if (cpu < p.scale_down_at) return std::max(current - p.step_down, p.min);
  return current;
}

Autoscaler::Autoscaler(Engine& engine, const Autoscale& policy, Scalable& target)
    : engine_(engine), decision_(policy), target_(target) {
  if (decision_.enabled() && decision_.period() > 0)
    engine_.after(decision_.period(), [this] { tick(); });
}

void Autoscaler::tick() {
  int current = target_.desired_replicas();
  int next =
      decision_.decide(engine_.now(), current, target_.cpu_utilisation(), target_.queue_depth());
  if (next != current) target_.scale_to(next);
  engine_.after(decision_.period(), [this] { tick(); });
}

}  // namespace capsim::sim
