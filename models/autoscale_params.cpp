#include "models/autoscale_params.hpp"

#include <algorithm>
#include <variant>

namespace capsim::models {

sim::Autoscale read_autoscale(config::ObjectReader& parent) {
  const config::Json* j = parent.raw("autoscale");
  if (!j) return std::monostate{};
  config::ObjectReader r(*j, parent.at("autoscale"), parent.context());
  if (!r.valid()) return std::monostate{};
  auto policy = r.choice("policy", {"hpa", "step", "queue_depth"}, true);
  int min = static_cast<int>(r.integer_or("min", 0, 10000, 1));
  int max = static_cast<int>(r.integer_or("max", 1, 10000, 10));
  if (min > max)
    r.problem("min", std::to_string(min) + " is above max " + std::to_string(max) +
                         " (expected min <= max)");
  if (!policy) {
    r.allow({"target_cpu", "tolerance", "sync_period", "scale_down_window", "startup",
             "scale_up_at", "scale_down_at", "step_up", "step_down", "interval", "sustain",
             "scale_up_above", "scale_down_below", "up_to", "down_to"});
    return std::monostate{};
  }
  if (*policy == "hpa") {
    sim::HpaPolicy p;
    p.min = std::max(min, 1);  // k8s: minReplicas >= 1
    p.max = max;
    p.target_cpu = r.fraction_or("target_cpu", p.target_cpu);
    p.tolerance = r.number_or("tolerance", 0, 1, p.tolerance);
    p.sync_period = r.duration_or("sync_period", p.sync_period);
    p.scale_down_window = r.duration_or("scale_down_window", p.scale_down_window, true);
    p.startup = r.duration_or("startup", p.startup, true);
    if (p.target_cpu <= 0)
      r.problem("target_cpu", "0 is out of range (expected a fraction above 0)");
    return p;
  }
  if (*policy == "step") {
    sim::StepPolicy p;
    p.min = min;
    p.max = max;
    p.scale_up_at = r.fraction_or("scale_up_at", p.scale_up_at);
    p.scale_down_at = r.fraction_or("scale_down_at", p.scale_down_at);
    p.step_up = static_cast<int>(r.integer_or("step_up", 1, 1000, p.step_up));
    p.step_down = static_cast<int>(r.integer_or("step_down", 1, 1000, p.step_down));
    p.interval = r.duration_or("interval", p.interval);
    p.sustain = r.duration_or("sustain", p.sustain, true);
    p.startup = r.duration_or("startup", p.startup, true);
    if (p.scale_down_at >= p.scale_up_at)
      r.problem("scale_down_at",
                "must be below scale_up_at (expected scale_down_at < scale_up_at)");
    return p;
  }
  sim::QueueDepthPolicy p;
  p.min = min;
  p.max = max;
  p.scale_up_above = r.integer_or("scale_up_above", 1, 1LL << 40, p.scale_up_above);
  p.scale_down_below = r.integer_or("scale_down_below", 0, 1LL << 40, p.scale_down_below);
  p.up_to = static_cast<int>(r.integer_or("up_to", 1, 10000, max));
  p.down_to = static_cast<int>(r.integer_or("down_to", 0, 10000, min));
  p.interval = r.duration_or("interval", p.interval);
  p.startup = r.duration_or("startup", p.startup, true);
  if (p.scale_down_below >= p.scale_up_above)
    r.problem("scale_down_below",
              "must be below scale_up_above (expected scale_down_below < scale_up_above)");
  return p;
}

int scaled_max(int fixed, const sim::Autoscale& a) {
  int m = fixed;
  if (const auto* h = std::get_if<sim::HpaPolicy>(&a)) m = std::max(m, h->max);
  if (const auto* s = std::get_if<sim::StepPolicy>(&a)) m = std::max(m, s->max);
  if (const auto* q = std::get_if<sim::QueueDepthPolicy>(&a)) m = std::max(m, q->max);
  return m;
}

int autoscale_floor(const sim::Autoscale& a, int fixed) {
  return std::visit(
      [&](const auto& p) {
        if constexpr (std::is_same_v<std::decay_t<decltype(p)>, std::monostate>)
          return fixed;
        else
          return std::min(fixed, p.min);
      },
      a);
}

void widen_autoscale(sim::Autoscale& a, int count) {
  std::visit(
      [&](auto& p) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, std::monostate>)
          p.max = std::max(p.max, count);
      },
      a);
}

}  // namespace capsim::models
