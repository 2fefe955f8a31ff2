#include "sim/drill.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/blueprint.hpp"
#include "sim/engine.hpp"

namespace capsim::sim {

// ---- the scenario runner ---------------------------------------------------------------------

ScenarioRunner::ScenarioRunner(Engine& engine, const Blueprint& system,
                               std::vector<std::unique_ptr<Component>>& components,
                               Timeline& timeline, std::function<void(double)> set_traffic)
    : engine_(engine),
      system_(system),
      components_(components),
      timeline_(timeline),
      set_traffic_(std::move(set_traffic)) {}

void ScenarioRunner::schedule(const Scenario& scenario, double start) {
  for (const auto& a : scenario.actions) engine_.at(start + a.at, [this, &a] { apply(a); });
}

std::vector<ScenarioRunner::Target> ScenarioRunner::resolve(const ScenarioAction& a) const {
  std::vector<Target> out;
  if (!a.zone.empty()) {
    for (std::size_t c = 0; c < components_.size(); ++c) {
      const auto& spec = system_.components[c];
      const auto& zones = spec.zones.empty() ? system_.zones : spec.zones;
      auto placement = components_[c]->placement();
      for (std::size_t i = 0; i < placement.size(); ++i) {
        // Kinds without their own placement spread instances round-robin over the zones.
        std::string zone = placement[i].zone;
        if (zone.empty() && !zones.empty()) zone = zones[i % zones.size()];
        if (zone == a.zone) out.emplace_back(static_cast<int>(c), static_cast<int>(i));
      }
    }
    return out;
  }
  int c = system_.index_of(a.component);
  if (c < 0) throw std::logic_error("scenario names unknown component " + a.component);
  auto placement = components_[c]->placement();
  for (std::size_t i = 0; i < placement.size(); ++i) {
    const Placement& p = placement[i];
    bool match = a.role.empty() ? (!a.index || *a.index == static_cast<int>(i))
                                : p.role == a.role && (!a.index || *a.index == p.index);
    if (match) out.emplace_back(c, static_cast<int>(i));
  }
  // A bare role ("pg.primary", "cache.master") means the first instance holding it now, up ones
  // first: the one a client would be talking to.
  if (!a.role.empty() && !a.index && out.size() > 1) {
    auto up =
        std::find_if(out.begin(), out.end(), [&](Target t) { return placement[t.second].up; });
    out = {up != out.end() ? *up : out.front()};
  }
  return out;
}

std::string ScenarioRunner::label(Target t) const {
  auto placement = components_[t.first]->placement();
  const auto& p = placement[t.second];
  const std::string& name = system_.components[t.first].name;
  if (p.role.empty()) return name + "[" + std::to_string(t.second) + "]";
  return name + "." + p.role + "[" + std::to_string(p.index) + "]";
}

void ScenarioRunner::act(const std::vector<Target>& targets, Fault fault, const std::string& what) {
  std::string names;
  for (Target t : targets) names += (names.empty() ? "" : ", ") + label(t);
  // A fault on one component is that component's event; one across several (a zone) is the
  // scenario's.
  bool one = !targets.empty() && std::all_of(targets.begin(), targets.end(),
                                             [&](Target t) { return t.first == targets[0].first; });
  const std::string component = one ? system_.components[targets[0].first].name : "scenario";
  timeline_.note(component, to_string(fault.kind),
                 what + (names.empty() ? " (no instance)" : " (" + names + ")"));
  for (Target t : targets) {
    Component& c = *components_[t.first];
    if (c.supports(fault.kind))
      c.fault(t.second, fault);
    else
      timeline_.note(system_.components[t.first].name, "unmodelled",
                     std::string(to_string(fault.kind)) + " is not modelled for kind " +
                         system_.components[t.first].kind);
  }
}

void ScenarioRunner::apply(const ScenarioAction& a) {
  const std::string& what = a.action;
  std::string text = what + " " + a.target;
  if (what == "traffic") {
    set_traffic_(a.factor);
    timeline_.note("traffic", "traffic", "arrival rate x" + std::to_string(a.factor).substr(0, 4));
    if (a.duration)
      engine_.after(*a.duration, [this] {
        set_traffic_(1);
        timeline_.note("traffic", "traffic", "arrival rate back to x1");
      });
    return;
  }
  if (what == "restore" || what == "heal") {
    std::string key = (what == "heal" ? "partition " : "kill ") + a.target;
    auto found = killed_.find(key);
    auto targets = found != killed_.end() ? found->second : resolve(a);
    act(targets, {what == "heal" ? FaultKind::heal : FaultKind::restore}, text);
    return;
  }
  auto targets = resolve(a);
  Fault fault{what == "kill"        ? FaultKind::kill
              : what == "partition" ? FaultKind::partition
                                    : FaultKind::slow,
              a.factor};
  if (fault.kind != FaultKind::slow) killed_[text] = targets;
  act(targets, fault, text);
  if (a.duration) {
    Fault undo{fault.kind == FaultKind::kill        ? FaultKind::restore
               : fault.kind == FaultKind::partition ? FaultKind::heal
                                                    : FaultKind::slow,
               1};
    std::string undo_text = (fault.kind == FaultKind::kill        ? "restore "
                             : fault.kind == FaultKind::partition ? "heal "
                                                                  : "unslow ") +
                            a.target;
    engine_.after(*a.duration, [this, targets, undo, undo_text] { act(targets, undo, undo_text); });
  }
}

// ---- the request log and its analysis ---------------------------------------------------------

void RequestLog::add(double start, double latency, int cls, const char* cause) {
  std::uint16_t id = 0;
  if (cause) {
    auto [it, fresh] = index_.try_emplace(cause, static_cast<std::uint16_t>(causes.size()));
    if (fresh) causes.emplace_back(cause);
    id = it->second;
  }
  records.push_back({static_cast<float>(start), static_cast<float>(latency),
                     static_cast<std::uint16_t>(cls), id});
}

namespace {

// Does a window of requests meet the rule? Empty windows do (there was nothing to serve).
struct WindowCounts {
  std::uint64_t requests = 0, failed = 0;
  std::vector<std::uint64_t> ok;                 // per class
  std::vector<std::vector<std::uint64_t>> over;  // per class, per target: slower than it
};

bool holds(const WindowCounts& w, const RecoveryRule& rule) {
  if (w.requests == 0) return true;
  if (static_cast<double>(w.failed) > rule.max_error_rate * static_cast<double>(w.requests))
    return false;
  for (std::size_t c = 0; c < w.ok.size(); ++c) {
    if (w.ok[c] == 0 || c >= rule.per_class.size()) continue;
    for (std::size_t k = 0; k < rule.per_class[c].size(); ++k)
      if (static_cast<double>(w.over[c][k]) >
          (1 - rule.per_class[c][k].quantile) * static_cast<double>(w.ok[c]))
        return false;
  }
  return true;
}

}  // namespace

DrillResult analyse_drill(const RequestLog& log, const std::vector<std::string>& class_names,
                          const RecoveryRule& rule, double fault_at, double duration, double rps) {
  DrillResult d;
  d.fault_at = fault_at;
  // Windows long enough to hold ~500 requests, so that one slow request does not decide a p95,
  // and at least 2 s.
  d.window = std::max(2.0, rps > 0 ? 500 / rps : 2.0);
  std::size_t classes = class_names.size();
  std::size_t windows = fault_at < duration
                            ? static_cast<std::size_t>(std::ceil((duration - fault_at) / d.window))
                            : 0;
  std::vector<WindowCounts> counts(windows);
  for (auto& w : counts) {
    w.ok.assign(classes, 0);
    w.over.resize(classes);
    for (std::size_t c = 0; c < classes; ++c)
      w.over[c].assign(c < rule.per_class.size() ? rule.per_class[c].size() : 0, 0);
  }
  for (const auto& r : log.records) {
    if (r.start < fault_at) continue;
    auto k = static_cast<std::size_t>((r.start - fault_at) / d.window);
    if (k >= windows) continue;
    WindowCounts& w = counts[k];
    ++w.requests;
    if (r.cause) {
      ++w.failed;
      if (!d.first_error || r.start < *d.first_error) d.first_error = r.start;
      if (!d.last_error || r.start > *d.last_error) d.last_error = r.start;
      continue;
    }
    ++w.ok[r.cls];
    if (r.cls < rule.per_class.size())
      for (std::size_t t = 0; t < rule.per_class[r.cls].size(); ++t)
        if (r.latency > rule.per_class[r.cls][t].seconds) ++w.over[r.cls][t];
  }
  std::optional<std::size_t> last_bad;
  for (std::size_t k = 0; k < windows; ++k)
    if (!holds(counts[k], rule)) last_bad = k;
  if (!last_bad)
    d.recovered_at = fault_at;
  else if (*last_bad + 1 < windows)
    d.recovered_at = fault_at + static_cast<double>(*last_bad + 1) * d.window;

  double during_end = d.recovered_at.value_or(duration);
  d.phases = {{"before", 0, fault_at, fault_at, {}},
              {"during", fault_at, during_end, during_end - fault_at, {}},
              {"after", during_end, duration, duration - during_end, {}}};
  for (auto& p : d.phases) {
    p.classes.resize(classes);
    for (std::size_t c = 0; c < classes; ++c) p.classes[c].name = class_names[c];
  }
  for (const auto& r : log.records) {
    Phase& p = r.start < fault_at ? d.phases[0] : r.start < during_end ? d.phases[1] : d.phases[2];
    PhaseClass& pc = p.classes[r.cls];
    ++pc.requests;
    if (r.cause) {
      ++pc.failed;
      ++pc.errors[log.causes[r.cause]];
    } else {
      pc.latency.add(r.latency);
    }
  }
  return d;
}

}  // namespace capsim::sim
