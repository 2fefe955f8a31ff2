// Stage 1: the analytic search (plan/stages.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "plan/analytic.hpp"
#include "plan/stages.hpp"

namespace capsim::plan {

using namespace config;

std::vector<Option> tier_options(const Topology& t, const Setup& base, std::size_t i,
                                 const Knob& knob, const Choice* floor, double rps, double headroom,
                                 bool n_plus_1, const Catalog& catalog, int& evaluated) {
  std::vector<Option> out;
  for (const auto& instance : knob.instances)
    for (const auto& mode : knob.modes) {
      int from = knob.min;
      if (floor && floor->instance == instance && floor->mode == mode)
        from = std::max(from, floor->count);
      // Another instance type must not shrink the tier's vCPUs either: a family is changed for
      // a cost reason, never to shed capacity that the next period needs again.
      if (floor && floor->instance != instance && !floor->instance.empty() && !instance.empty() &&
          floor->mode == mode) {
        const auto* was = catalog.find(floor->instance);
        const auto* now = catalog.find(instance);
        if (was && now && now->vcpus > 0)
          from = std::max(from, (floor->count * was->vcpus + now->vcpus - 1) / now->vcpus);
      }
      from = std::max(from, least_count(t.components[i], Choice{0, instance, mode}, n_plus_1));
      for (int n = from; n <= knob.max; ++n) {
        Setup s = base;
        s[i] = Choice{n, instance, mode};
        Topology candidate = apply(t, s, catalog);
        ++evaluated;
        TierPrediction p = predict(candidate, rps).tiers[i];
        if (p.utilisation > headroom) continue;
        if (n_plus_1 && !p.survives_loss) continue;
        out.push_back({s[i], monthly_cost(t.components[i], s[i], catalog)});
        break;  // more of the same only costs more
      }
    }
  std::stable_sort(out.begin(), out.end(),
                   [](const Option& a, const Option& b) { return a.monthly < b.monthly; });
  return out;
}

double setup_cost(const Topology& t, const Setup& s, const Catalog& catalog) {
  double total = 0;
  for (std::size_t i = 0; i < s.size(); ++i) total += monthly_cost(t.components[i], s[i], catalog);
  return total;
}

namespace {

// The premium for N+1: the same search without it (and without a floor).
double n_plus_1_premium(const Topology& t, const Setup& cheapest, const std::vector<Knob>& knobs,
                        double rps, double headroom, const Catalog& catalog) {
  Setup bare = cheapest;
  for (std::size_t i = 0; i < bare.size(); ++i) {
    int unused = 0;
    auto opts = tier_options(t, bare, i, knobs[i], nullptr, rps, headroom, false, catalog, unused);
    if (!opts.empty()) bare[i] = opts.front().choice;
  }
  return setup_cost(t, cheapest, catalog) - setup_cost(t, bare, catalog);
}

// The runner-up: the one tier whose second option costs the least extra, upgraded.
std::optional<Setup> runner_up(const Setup& cheapest,
                               const std::vector<std::vector<Option>>& options) {
  std::optional<Setup> out;
  double extra = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    if (o.size() < 2) continue;
    if (o[1].monthly - o[0].monthly < extra) {
      extra = o[1].monthly - o[0].monthly;
      out = cheapest;
      (*out)[i] = o[1].choice;
    }
  }
  return out;
}

}  // namespace

Search search(const Topology& t, const std::vector<Knob>& knobs,
              const std::optional<Setup>& previous, const Setup& written, double rps,
              double headroom, const Catalog& catalog) {
  const std::size_t n = t.components.size();
  Search s;
  s.options.resize(n);
  s.cheapest = previous ? *previous : written;
  for (std::size_t i = 0; i < n; ++i) {
    const Choice* floor = previous ? &(*previous)[i] : nullptr;
    s.options[i] =
        tier_options(t, s.cheapest, i, knobs[i], floor, rps, headroom, true, catalog, s.candidates);
    if (!s.options[i].empty()) {
      s.cheapest[i] = s.options[i].front().choice;
      continue;
    }
    s.feasible = false;
    // The largest allowed is the closest to feasible.
    s.cheapest[i] = Choice{knobs[i].max, knobs[i].instances.back(), knobs[i].modes.back()};
    TierPrediction p = predict(apply(t, s.cheapest, catalog), rps).tiers[i];
    s.why_not += fmt::format(
        "{}{}: nothing in its range meets the headroom and survives a loss ({} at {:.0f}%{})",
        s.why_not.empty() ? "" : "; ", t.components[i].name, p.resource, 100 * p.utilisation,
        p.survives_loss ? "" : "; " + p.loss_note);
  }
  s.n_plus_1_premium = n_plus_1_premium(t, s.cheapest, knobs, rps, headroom, catalog);
  s.runner_up = runner_up(s.cheapest, s.options);
  return s;
}

}  // namespace capsim::plan
