#include "runs/wire.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace capsim::runs {
namespace {

using Json = nlohmann::json;
using core::Histogram;
using namespace sim;

Json histogram_to_wire(const core::Histogram& h) {
  return {{"sum", h.sum()}, {"max", h.max()}, {"buckets", h.sparse()}};
}
void histogram_from_wire(const Json& j, core::Histogram& h) {
  h.add_sparse(j.at("buckets").get<std::vector<std::pair<std::uint32_t, std::uint64_t>>>(),
               j.at("sum").get<double>(), j.at("max").get<double>());
}
std::optional<double> optional_from(const Json& j) {
  return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}

Json drill_to_wire(const DrillResult& d) {
  auto opt = [](std::optional<double> v) { return v ? Json(*v) : Json(); };
  Json j = {{"fault_at", d.fault_at},
            {"recovered_at", opt(d.recovered_at)},
            {"window", d.window},
            {"lost_writes", d.lost_writes},
            {"lost_lag", d.lost_lag},
            {"first_error", opt(d.first_error)},
            {"last_error", opt(d.last_error)}};
  for (const auto& e : d.events) j["events"].push_back({e.time, e.component, e.event, e.detail});
  for (const auto& p : d.phases) {
    Json pj = {{"name", p.name}, {"from", p.from}, {"to", p.to}, {"seconds", p.seconds}};
    for (const auto& c : p.classes)
      pj["classes"].push_back({{"name", c.name},
                               {"requests", c.requests},
                               {"failed", c.failed},
                               {"errors", c.errors},
                               {"latency", histogram_to_wire(c.latency)}});
    j["phases"].push_back(pj);
  }
  return j;
}

DrillResult drill_from_wire(const Json& j) {
  DrillResult d;
  d.fault_at = j.at("fault_at").get<double>();
  d.recovered_at = optional_from(j.at("recovered_at"));
  d.window = j.at("window").get<double>();
  d.lost_writes = j.at("lost_writes").get<std::uint64_t>();
  d.lost_lag = j.at("lost_lag").get<double>();
  d.first_error = optional_from(j.at("first_error"));
  d.last_error = optional_from(j.at("last_error"));
  for (const auto& e : j.value("events", Json::array()))
    d.events.push_back({e[0].get<double>(), e[1].get<std::string>(), e[2].get<std::string>(),
                        e[3].get<std::string>()});
  for (const auto& pj : j.at("phases")) {
    Phase p{pj.at("name").get<std::string>(),
            pj.at("from").get<double>(),
            pj.at("to").get<double>(),
            pj.at("seconds").get<double>(),
            {}};
    for (const auto& cj : pj.value("classes", Json::array())) {
      PhaseClass c;
      c.name = cj.at("name").get<std::string>();
      c.requests = cj.at("requests").get<std::uint64_t>();
      c.failed = cj.at("failed").get<std::uint64_t>();
      c.errors = cj.at("errors").get<std::map<std::string, std::uint64_t>>();
      histogram_from_wire(cj.at("latency"), c.latency);
      p.classes.push_back(std::move(c));
    }
    d.phases.push_back(std::move(p));
  }
  return d;
}

Json to_wire(const ReplicationResult& r) {
  Json j;
  j["replication"] = r.replication;
  j["shed"] = r.shed;
  j["wall"] = r.wall_seconds;
  j["duration"] = r.duration;
  for (const auto& c : r.classes) {
    Json cj = {{"name", c.name},         {"arrived", c.arrived},         {"completed", c.completed},
               {"failed", c.failed},     {"errors", c.errors},           {"sum", c.latency.sum()},
               {"max", c.latency.max()}, {"buckets", c.latency.sparse()}};
    j["classes"].push_back(cj);
  }
  for (const auto& c : r.components) {
    const auto& p = c.report;
    j["components"].push_back(
        {{"name", c.name},
         {"kind", c.kind},
         {"utilisation", p.utilisation},
         {"service_utilisation", p.service_utilisation < 0 ? p.utilisation : p.service_utilisation},
         {"mean_queue", p.mean_queue},
         {"max_queue", p.max_queue},
         {"mean_wait", p.mean_wait},
         {"throughput", p.throughput},
         {"turned_away", p.turned_away},
         {"instances", p.instances},
         {"extra", p.extra}});
  }
  for (const auto& t : r.timeseries) j["ts"].push_back({t.time, t.component, t.metric, t.value});
  if (r.drill) j["drill"] = drill_to_wire(*r.drill);
  return j;
}

ReplicationResult from_wire(const Json& j) {
  ReplicationResult r;
  r.replication = j.at("replication").get<int>();
  r.shed = j.at("shed").get<std::uint64_t>();
  r.wall_seconds = j.at("wall").get<double>();
  r.duration = j.at("duration").get<double>();
  for (const auto& cj : j.value("classes", Json::array())) {
    ClassResult c;
    c.name = cj.at("name").get<std::string>();
    c.arrived = cj.at("arrived").get<std::uint64_t>();
    c.completed = cj.at("completed").get<std::uint64_t>();
    c.failed = cj.at("failed").get<std::uint64_t>();
    c.errors = cj.at("errors").get<std::map<std::string, std::uint64_t>>();
    c.latency.add_sparse(
        cj.at("buckets").get<std::vector<std::pair<std::uint32_t, std::uint64_t>>>(),
        cj.at("sum").get<double>(), cj.at("max").get<double>());
    r.classes.push_back(std::move(c));
  }
  for (const auto& cj : j.value("components", Json::array())) {
    ComponentResult c;
    c.name = cj.at("name").get<std::string>();
    c.kind = cj.at("kind").get<std::string>();
    c.report.utilisation = cj.at("utilisation").get<double>();
    c.report.service_utilisation = cj.at("service_utilisation").get<double>();
    c.report.mean_queue = cj.at("mean_queue").get<double>();
    c.report.max_queue = cj.at("max_queue").get<double>();
    c.report.mean_wait = cj.at("mean_wait").get<double>();
    c.report.throughput = cj.at("throughput").get<double>();
    c.report.turned_away = cj.at("turned_away").get<double>();
    c.report.instances = cj.at("instances").get<int>();
    c.report.extra = cj.at("extra").get<std::map<std::string, double>>();
    r.components.push_back(std::move(c));
  }
  for (const auto& t : j.value("ts", Json::array()))
    r.timeseries.push_back(
        {t[0].get<double>(), t[1].get<std::string>(), t[2].get<std::string>(), t[3].get<double>()});
  if (j.contains("drill")) r.drill = drill_from_wire(j["drill"]);
  return r;
}

}  // namespace

std::string result_to_wire(const ReplicationResult& result) {
  return to_wire(result).dump();
}

ReplicationResult result_from_wire(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::runtime_error("a replication's result is not valid JSON");
  return from_wire(j);
}

std::string error_to_wire(const std::string& message) {
  return Json{{"error", message}}.dump();
}

ReplicationResult decode(const std::string& text, const std::string& who) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(who + " sent no result");
  if (j.contains("error")) throw std::runtime_error(who + ": " + j["error"].get<std::string>());
  return from_wire(j);
}

}  // namespace capsim::runs
