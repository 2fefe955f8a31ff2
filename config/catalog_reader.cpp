// Catalog JSON -> config::Catalog: instance types with vCPUs, memory and an hourly price, and where
// the prices come from. The shape is documented in topologies/schema/catalog.schema.json.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "config/load.hpp"

namespace capsim::config {
namespace {

const std::vector<std::string> kFamilies = {"general", "compute",     "memory",
                                            "storage", "accelerated", "burstable"};

bool valid_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

InstanceType read_instance(const std::string& name, const Json& j, const std::string& ptr,
                           ReadContext& ctx) {
  InstanceType t;
  t.name = name;
  ObjectReader r(j, ptr, ctx);
  if (!r.valid()) return t;
  t.family = r.choice("family", kFamilies, true).value_or("");
  t.vcpus = static_cast<int>(r.integer("vcpus", 1, 4096, true).value_or(0));
  t.memory = r.size("memory", true).value_or(0);
  const char* expected = "a price per hour greater than 0";
  if (const Json* h = r.raw("hourly")) {
    if (!h->is_number() || !std::isfinite(h->get<double>()))
      r.problem("hourly", "is " + json_type_name(*h) + " (expected " + expected + ")");
    else if (h->get<double>() <= 0 || h->get<double>() > 1e6)
      r.problem("hourly", number_text(h->get<double>()) + " is out of range (expected " + expected +
                              " and at most 1e+06)");
    else
      t.hourly = h->get<double>();
  } else {
    r.missing("hourly", expected);
  }
  return t;
}

}  // namespace

const InstanceType* Catalog::find(const std::string& name) const {
  auto it = instances.find(name);
  return it == instances.end() ? nullptr : &it->second;
}

Catalog read_catalog(const Json& j, ReadContext& ctx) {
  Catalog c;
  c.file = ctx.file;
  ObjectReader r(j, "", ctx);
  if (!r.valid()) return c;
  r.string("description");
  c.provider = r.string("provider", true).value_or("");
  c.region = r.string("region", true).value_or("");
  if (auto cur = r.string("currency")) {
    bool code = cur->size() == 3 && std::all_of(cur->begin(), cur->end(), [](char ch) {
                  return std::isupper(static_cast<unsigned char>(ch));
                });
    if (code)
      c.currency = *cur;
    else
      r.problem("currency", in_quotes(*cur) +
                                " is not a currency code (expected three capital letters, ISO "
                                "4217, such as \"USD\")");
  }
  c.source = r.string("source", true).value_or("");
  if (auto date = r.string("date", true)) {
    if (valid_date(*date))
      c.date = *date;
    else
      r.problem("date", in_quotes(*date) + " is not a date (expected \"YYYY-MM-DD\", e.g. " +
                            "\"2026-11-01\")");
  }
  const Json* is = r.raw("instances");
  if (!is) {
    r.missing("instances", "an object of instance types");
    return c;
  }
  ObjectReader ir(*is, "/instances", ctx);
  if (!ir.valid()) return c;
  if (is->empty()) ctx.problem("/instances", "is empty (expected at least one instance type)");
  for (const auto& [name, value] : is->items()) {
    ir.allow({name.c_str()});
    c.instances[name] = read_instance(name, value, child_pointer("/instances", name), ctx);
  }
  return c;
}

}  // namespace capsim::config
