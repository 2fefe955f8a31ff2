// Topology JSON -> config::Topology. One read_* function per type; every problem is recorded
// against its JSON pointer and reading goes on, so the user sees all of them at once.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "config/fields.hpp"
#include "config/kinds.hpp"
#include "config/load.hpp"
#include "core/units.hpp"

namespace capsim::config {
namespace {

// ---- components -------------------------------------------------------------------------------

void read_zones(ObjectReader& r, const std::vector<std::string>& zones, Component& c) {
  const Json* z = r.raw("zones");
  ReadContext& ctx = r.context();
  if (!z || !expect_array(*z, r.at("zones"), ctx, "an array of zone names")) return;
  for (std::size_t i = 0; i < z->size(); ++i) {
    const Json& zi = (*z)[i];
    std::string zp = child_pointer(r.at("zones"), i);
    if (!zi.is_string()) {
      ctx.problem(zp, "is " + json_type_name(zi) + " (expected a zone name)");
    } else if (std::find(zones.begin(), zones.end(), zi.get<std::string>()) == zones.end()) {
      std::string hint = core::closest_match(zi.get<std::string>(), zones);
      std::string known;
      for (const auto& z : zones) known += (known.empty() ? "\"" : ", \"") + z + "\"";
      ctx.problem(zp, "unknown zone \"" + zi.get<std::string>() + "\"" +
                          (!hint.empty()   ? " (did you mean \"" + hint + "\"?)"
                           : zones.empty() ? " (expected zones declared in /zones)"
                                           : " (expected one of " + known + ")"));
    } else {
      c.zones.push_back(zi.get<std::string>());
    }
  }
}

// The kinds that have modes, as messages name them ("redis").
std::string mode_owners(const KindTable& kinds) {
  std::vector<std::string> owners;
  for (const auto& k : kinds)
    if (!k.modes.empty()) owners.push_back(k.name);
  std::string list;
  for (const auto& o : owners) list += (list.empty() ? "" : " or ") + o;
  return list;
}

// The "plan" key: what `capsim plan` may change. `kind` is null when the kind is unreadable.
std::optional<PlanRange> read_plan_range(ObjectReader& r, const KindSyntax* kind,
                                         const KindTable& kinds) {
  const Json* pj = r.raw("plan");
  if (!pj) return std::nullopt;
  ReadContext& ctx = r.context();
  ObjectReader pr(*pj, r.at("plan"), ctx);
  if (!pr.valid()) return std::nullopt;
  PlanRange range;
  if (auto v = pr.integer("min", 0, 1000)) range.min = static_cast<int>(*v);
  if (auto v = pr.integer("max", 0, 1000)) range.max = static_cast<int>(*v);
  if (range.min && range.max && *range.min > *range.max)
    pr.problem("max", std::to_string(*range.max) + " is less than min " +
                          std::to_string(*range.min) + " (expected max >= min)");
  // Modes are checked against the kind's own, or every kind's when this one has none (it is then
  // told that only those kinds have modes).
  std::vector<std::string> modes =
      kind && !kind->modes.empty() ? kind->modes : std::vector<std::string>{};
  std::string owner = kind && !kind->modes.empty() ? kind->name : mode_owners(kinds);
  if (modes.empty())
    for (const auto& k : kinds) modes.insert(modes.end(), k.modes.begin(), k.modes.end());
  auto strings = [&](const char* key, std::vector<std::string>& into,
                     const std::vector<std::string>* allowed) {
    const Json* a = pr.raw(key);
    if (!a || !expect_array(*a, pr.at(key), ctx, "an array of names")) return;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const Json& v = (*a)[i];
      std::string vp = child_pointer(pr.at(key), i);
      if (!v.is_string()) {
        ctx.problem(vp, "is " + json_type_name(v) + " (expected a string)");
      } else if (allowed && std::find(allowed->begin(), allowed->end(), v.get<std::string>()) ==
                                allowed->end()) {
        std::string hint = core::closest_match(v.get<std::string>(), *allowed);
        std::string expected;
        for (std::size_t m = 0; m < allowed->size(); ++m)
          expected += (m == 0 ? "" : m + 1 == allowed->size() ? " or " : ", ") + (*allowed)[m];
        ctx.problem(vp, "unknown " + owner + " mode \"" + v.get<std::string>() + "\"" +
                            (hint.empty() ? " (expected " + expected + ")"
                                          : " (did you mean \"" + hint + "\"?)"));
      } else {
        into.push_back(v.get<std::string>());
      }
    }
  };
  strings("instances", range.instances, nullptr);
  strings("modes", range.modes, &modes);
  if (!range.modes.empty() && kind && kind->modes.empty())
    pr.problem("modes", "only " + std::string(article(owner)) + " " + owner +
                            " has modes (expected \"min\", \"max\", \"instances\")");
  return range;
}

Component read_component(const std::string& name, const Json& j, const std::string& ptr,
                         const std::vector<std::string>& zones, const KindTable& kinds,
                         ReadContext& ctx) {
  Component c;
  c.name = name;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return c;
  auto kind_name = r.choice("kind", kind_names(kinds), true);
  const KindSyntax* kind = kind_name ? find_kind(kinds, *kind_name) : nullptr;
  c.instance = r.string("instance");
  c.vcpus = static_cast<int>(r.integer_or("vcpus", 1, 4096, 0));
  read_zones(r, zones, c);
  c.plan = read_plan_range(r, kind, kinds);
  if (!kind) {
    // Still accept every kind's keys so that one wrong kind does not bury the user in unknown keys.
    for (const auto& k : kinds) r.allow(k.keys);
    return c;
  }
  c.kind = kind->name;
  c.params = kind->read(r);
  return c;
}

// ---- calls ----------------------------------------------------------------------------------

std::vector<Call> read_calls(const Json& j, const std::string& ptr, ReadContext& ctx, int depth);

Call read_call(const Json& j, const std::string& ptr, ReadContext& ctx, int depth) {
  Call c;
  c.pointer = ptr;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return c;
  c.to = r.required_string("to", "the name of the component called");
  c.op = r.string_or("op", "");
  c.query = r.choice_or("query", {"read", "write"}, "");
  auto cpu = distribution_field(r, "cpu");
  auto time = distribution_field(r, "time");
  if (r.has("cpu") && r.has("time"))
    r.problem("time", "both \"cpu\" and \"time\" are given (expected one service demand per call)");
  c.demand = cpu ? cpu : time;
  c.io = distribution_field(r, "io");
  if (r.has("hit_ratio")) c.hit_ratio = r.fraction("hit_ratio");
  c.enqueue = r.string_or("enqueue", "");
  if (depth > 32) {
    ctx.problem(ptr, "calls are nested more than 32 deep (expected a shallower call tree)");
    r.allow({"on_miss", "calls", "parallel"});
    return c;
  }
  if (const Json* m = r.raw("on_miss")) c.on_miss = read_calls(*m, r.at("on_miss"), ctx, depth + 1);
  if (const Json* n = r.raw("calls")) c.calls = read_calls(*n, r.at("calls"), ctx, depth + 1);
  if (const Json* p = r.raw("parallel"))
    c.parallel = read_calls(*p, r.at("parallel"), ctx, depth + 1);
  if (!c.on_miss.empty() && !c.hit_ratio)
    r.problem("on_miss", "is given without \"hit_ratio\" (expected a hit_ratio for a cache call)");
  return c;
}

std::vector<Call> read_calls(const Json& j, const std::string& ptr, ReadContext& ctx, int depth) {
  std::vector<Call> calls;
  if (!expect_array(j, ptr, ctx, "an array of calls")) return calls;
  for (std::size_t i = 0; i < j.size(); ++i)
    calls.push_back(read_call(j[i], child_pointer(ptr, i), ctx, depth));
  return calls;
}

// ---- cross-references -------------------------------------------------------------------------

// "load_balancer" -> "load balancer", as prose says it.
std::string spoken(const std::string& kind) {
  std::string s = kind;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

struct RefChecker {
  const Topology& t;
  const KindTable& kinds;
  ReadContext& ctx;

  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& c : t.components) n.push_back(c.name);
    return n;
  }

  // The kinds whose calls follow a rule, in table order.
  std::vector<std::string> kinds_where(bool CallRules::*rule) const {
    std::vector<std::string> out;
    for (const auto& k : kinds)
      if (k.calls.*rule) out.push_back(k.name);
    return out;
  }

  // Reports unless `name` is a component whose kind is among `allowed` (any kind when empty).
  const Component* expect(const std::string& name, const std::string& ptr,
                          const std::vector<std::string>& allowed, const std::string& what) {
    const Component* c = t.find(name);
    if (!c) {
      std::string hint = core::closest_match(name, names());
      ctx.problem(ptr, "unknown component \"" + name + "\"" +
                           (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
      return nullptr;
    }
    if (!allowed.empty() && !c->kind.empty() &&
        std::find(allowed.begin(), allowed.end(), c->kind) == allowed.end()) {
      ctx.problem(ptr, "\"" + name + "\" is " + article(c->kind) + " " + c->kind + " (expected " +
                           what + ": " + kinds_phrase(allowed) + ")");
      return nullptr;
    }
    return c;
  }

  void calls(const std::vector<Call>& cs) {
    for (const auto& c : cs) call(c);
  }

  void call(const Call& c) {
    if (c.to.empty()) return;
    const Component* target = expect(c.to, c.pointer + "/to", {}, "a component");
    const KindSyntax* kind = target ? find_kind(kinds, target->kind) : nullptr;
    if (target && kind) check_call(c, *target, *kind);
    calls(c.on_miss);
    calls(c.calls);
    calls(c.parallel);
  }

  void check_call(const Call& c, const Component& target, const KindSyntax& kind) {
    const std::string a_kind = std::string(article(target.kind)) + " " + target.kind;
    if (!c.enqueue.empty()) {
      if (!kind.calls.enqueue)
        ctx.problem(c.pointer + "/enqueue",
                    "enqueues on \"" + c.to + "\", " + a_kind + " (expected " +
                        kinds_phrase(kinds_where(&CallRules::enqueue)) + ")");
      bool known = std::any_of(t.jobs.begin(), t.jobs.end(),
                               [&](const Job& j) { return j.name == c.enqueue; });
      if (!known) {
        std::vector<std::string> jobs;
        for (const auto& j : t.jobs) jobs.push_back(j.name);
        std::string hint = core::closest_match(c.enqueue, jobs);
        ctx.problem(c.pointer + "/enqueue",
                    "unknown job \"" + c.enqueue + "\"" +
                        (hint.empty() ? " (expected a job declared in /jobs)"
                                      : " (did you mean \"" + hint + "\"?)"));
      }
    } else if (kind.calls.enqueue) {
      ctx.problem(c.pointer, "calls " + target.kind + " \"" + c.to +
                                 "\" without \"enqueue\" (expected the name of a job to enqueue)");
    }
    if (!c.query.empty() && !kind.calls.query)
      ctx.problem(c.pointer + "/query", "\"query\" on \"" + c.to + "\", " + a_kind + " (expected " +
                                            kinds_phrase(kinds_where(&CallRules::query)) +
                                            " target)");
    if (c.hit_ratio && !kind.calls.hit_ratio)
      ctx.problem(c.pointer + "/hit_ratio",
                  "\"hit_ratio\" on \"" + c.to + "\", " + a_kind + " (expected " +
                      kinds_phrase(kinds_where(&CallRules::hit_ratio)) + " target)");
    if (kind.calls.query && c.query.empty())
      ctx.problem(c.pointer, "a database call without \"query\" (expected \"read\" or \"write\")");
    // Requests enter through the component in front of their first hop: a call names the
    // component behind it, never the front itself.
    if (target.params && kind.references)
      for (const auto& ref : kind.references(target))
        if (ref.fronts)
          ctx.problem(c.pointer + "/to", "calls " + spoken(target.kind) + " \"" + c.to +
                                             "\" (expected a call to its " + ref.key + " \"" +
                                             ref.name + "\": requests enter through the " +
                                             spoken(target.kind) + " in front of it)");
  }
};

void check_references(const Topology& t, const KindTable& kinds, ReadContext& ctx) {
  RefChecker check{t, kinds, ctx};
  for (const auto& c : t.components) {
    const KindSyntax* kind = find_kind(kinds, c.kind);
    if (!kind || !c.params || !kind->references) continue;
    std::string ptr = child_pointer("/components", c.name);
    for (const auto& ref : kind->references(c))
      if (!ref.name.empty()) check.expect(ref.name, ptr + "/" + ref.key, ref.kinds, ref.what);
  }
  for (const auto& r : t.requests) check.calls(r.calls);
  for (const auto& job : t.jobs) check.calls(job.calls);
}

}  // namespace

bool is_write(const Call& c) {
  const std::string& op = c.op;
  return c.query == "write" || op == "set" || op == "del" || op == "incr" || op == "upsert" ||
         op == "delete" || op == "write" || op == "publish";
}

const Component* Topology::find(const std::string& n) const {
  for (const auto& c : components)
    if (c.name == n) return &c;
  return nullptr;
}

int Topology::index_of(const std::string& n) const {
  for (std::size_t i = 0; i < components.size(); ++i)
    if (components[i].name == n) return static_cast<int>(i);
  return -1;
}

Topology read_topology(const Json& j, const KindTable& kinds, ReadContext& ctx) {
  Topology t;
  t.file = ctx.file;
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return t;
  t.name = r.required_string("name", "a name for the system");
  r.string("description");
  if (const Json* z = r.raw("zones")) {
    if (expect_array(*z, "/zones", ctx, "an array of zone names")) {
      for (std::size_t i = 0; i < z->size(); ++i) {
        if (!(*z)[i].is_string() || (*z)[i].get<std::string>().empty())
          ctx.problem(child_pointer("/zones", i),
                      "is " + json_type_name((*z)[i]) + " (expected a zone name)");
        else
          t.zones.push_back((*z)[i].get<std::string>());
      }
    }
  }
  if (const Json* rj = r.raw("rules_of_thumb")) {
    ObjectReader rr(*rj, "/rules_of_thumb", ctx);
    if (rr.valid()) {
      RulesOfThumb rt;
      rt.app = rr.required_string("app", "the app component the instance rule sizes");
      rt.rps_per_app_instance =
          rr.number_or("rps_per_app_instance", 1e-6, 1e9, rt.rps_per_app_instance);
      rt.users_per_rps = rr.number_or("users_per_rps", 1e-6, 1e9, rt.users_per_rps);
      rt.db_connections_per_1000_users =
          rr.number_or("db_connections_per_1000_users", 0, 1e9, rt.db_connections_per_1000_users);
      rt.replicas_above_connections =
          rr.number_or("replicas_above_connections", 0, 1e9, rt.replicas_above_connections);
      rt.redis_gb_per_10000_users =
          rr.number_or("redis_gb_per_10000_users", 0, 1e9, rt.redis_gb_per_10000_users);
      rt.redis_cluster_above_gb =
          rr.number_or("redis_cluster_above_gb", 0, 1e9, rt.redis_cluster_above_gb);
      rr.string("source");
      t.rules_of_thumb = rt;
    }
  }
  if (const Json* n = r.raw("network")) {
    ObjectReader nr(*n, "/network", ctx);
    t.network.rtt = nr.duration_or("rtt", 0, true);
    t.network.cross_zone_rtt = nr.duration_or("cross_zone_rtt", t.network.rtt, true);
  }
  bool components_ok = true;
  if (const Json* cs = r.raw("components")) {
    ObjectReader cr(*cs, "/components", ctx);
    if (cr.valid()) {
      for (const auto& [name, value] : cs->items()) {
        cr.allow({name.c_str()});
        t.components.push_back(
            read_component(name, value, child_pointer("/components", name), t.zones, kinds, ctx));
      }
      if (cs->empty()) ctx.problem("/components", "is empty (expected at least one component)");
    } else {
      components_ok = false;
    }
  } else {
    r.missing("components", "an object of named components");
    components_ok = false;
  }
  if (const Json* js = r.raw("jobs")) {
    ObjectReader jr(*js, "/jobs", ctx);
    if (jr.valid()) {
      for (const auto& [name, value] : js->items()) {
        jr.allow({name.c_str()});
        std::string ptr = child_pointer("/jobs", name);
        ObjectReader one(value, ptr, ctx);
        Job job;
        job.name = name;
        job.priority = static_cast<int>(one.integer_or("priority", 0, 2097152, 0));
        if (const Json* calls = one.raw("calls"))
          job.calls = read_calls(*calls, one.at("calls"), ctx, 0);
        else if (one.valid())
          one.missing("calls", "an array of calls the job makes");
        t.jobs.push_back(std::move(job));
      }
    }
  }
  if (const Json* rs = r.raw("requests")) {
    ObjectReader rr(*rs, "/requests", ctx);
    if (rr.valid()) {
      double total = 0;
      for (const auto& [name, value] : rs->items()) {
        rr.allow({name.c_str()});
        std::string ptr = child_pointer("/requests", name);
        ObjectReader one(value, ptr, ctx);
        RequestClass rc;
        rc.name = name;
        rc.share = one.number("share", 0, 1, true).value_or(0);
        rc.idempotent = one.boolean_or("idempotent", true);
        if (const Json* calls = one.raw("calls"))
          rc.calls = read_calls(*calls, one.at("calls"), ctx, 0);
        else if (one.valid())
          one.missing("calls", "an array of calls the request makes");
        total += rc.share;
        t.requests.push_back(std::move(rc));
      }
      if (rs->empty())
        ctx.problem("/requests", "is empty (expected at least one request class)");
      else if (std::fabs(total - 1.0) > 1e-6)
        ctx.problem("/requests", "shares sum to " + number_text(total) +
                                     " (expected the request classes' shares to sum to 1)");
    }
  } else {
    r.missing("requests", "an object of request classes");
  }
  if (components_ok) check_references(t, kinds, ctx);
  return t;
}

}  // namespace capsim::config
