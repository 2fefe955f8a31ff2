#include "sim/replications.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "core/statistics.hpp"

namespace capsim::sim {
namespace {

using Json = nlohmann::json;

// ---- shipping a replication's result from the child process to the parent ----------------------

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

struct Child {
  pid_t pid;
  int fd;
  int replication;
  std::string data;
};

Child spawn(const config::Topology& topology, const LoadSpec& load, RunSpec run, int replication) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // else the child inherits unwritten stdout and writes it out a second time
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    int status = 0;
    try {
      run.replication = replication;
      run.timeseries = run.timeseries && replication == 0;
      out = to_wire(run_replication(topology, load, run)).dump();
    } catch (const std::exception& e) {
      out = Json{{"error", e.what()}}.dump();
      status = 1;
    }
    std::size_t written = 0;
    while (written < out.size()) {
      ssize_t n = write(fds[1], out.data() + written, out.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    // _exit: the engine's leftover timers and SimGrid's globals are not torn down (docs/ENGINE.md).
    _exit(status);
  }
  close(fds[1]);
  return Child{pid, fds[0], replication, {}};
}

ReplicationResult collect(Child& c) {
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(c.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    c.data.append(buffer, static_cast<std::size_t>(n));
  }
  close(c.fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  if (WIFSIGNALED(status))
    throw std::runtime_error("replication " + std::to_string(c.replication) + " crashed (signal " +
                             std::to_string(WTERMSIG(status)) + ")");
  Json j = Json::parse(c.data, nullptr, false);
  if (j.is_discarded())
    throw std::runtime_error("replication " + std::to_string(c.replication) + " sent no result");
  if (j.contains("error"))
    throw std::runtime_error("replication " + std::to_string(c.replication) + ": " +
                             j["error"].get<std::string>());
  return from_wire(j);
}

}  // namespace

Estimate estimate(std::vector<double> samples) {
  Estimate e;
  if (samples.empty()) return e;
  double sum = 0;
  for (double s : samples) sum += s;
  e.mean = sum / samples.size();
  e.half_width = samples.size() >= 2 ? core::confidence_half_width(samples) : NAN;
  e.samples = std::move(samples);
  return e;
}

// Drills over replications: replication 0's timeline; phases merged (each replication's own
// "during" is merged with the others' "during"); recovery and lost writes as estimates.
static DrillSummary summarise_drills(const std::vector<ReplicationResult>& results) {
  DrillSummary d;
  d.first = *results.front().drill;
  d.phases = d.first.phases;
  std::vector<double> recovery, lost, outage;
  for (std::size_t r = 0; r < results.size(); ++r) {
    const DrillResult& dr = *results[r].drill;
    if (dr.recovered_at)
      recovery.push_back(*dr.recovered_at - dr.fault_at);
    else
      ++d.not_recovered;
    lost.push_back(static_cast<double>(dr.lost_writes));
    d.lost_lag = std::max(d.lost_lag, dr.lost_lag);
    if (dr.last_error) outage.push_back(*dr.last_error - dr.fault_at);
    if (r == 0) continue;
    for (std::size_t p = 0; p < d.phases.size() && p < dr.phases.size(); ++p) {
      d.phases[p].seconds += dr.phases[p].seconds;
      for (std::size_t c = 0; c < d.phases[p].classes.size(); ++c) {
        PhaseClass& into = d.phases[p].classes[c];
        const PhaseClass& from = dr.phases[p].classes[c];
        into.requests += from.requests;
        into.failed += from.failed;
        for (const auto& [cause, n] : from.errors) into.errors[cause] += n;
        into.latency.merge(from.latency);
      }
    }
  }
  d.recovery = estimate(recovery);
  d.lost_writes = estimate(lost);
  d.last_error = estimate(outage);
  return d;
}

RunSummary summarise(const std::vector<ReplicationResult>& results, const RunSpec& run) {
  RunSummary s;
  s.replications = static_cast<int>(results.size());
  s.duration = run.duration;
  s.warmup = run.warmup;
  s.seed = run.seed;
  if (results.empty()) return s;
  const auto& first = results.front();
  for (std::size_t c = 0; c < first.classes.size(); ++c) {
    ClassSummary cs;
    cs.name = first.classes[c].name;
    std::vector<double> tput, err, mean, p50, p95, p99, p999;
    for (const auto& r : results) {
      const ClassResult& cr = r.classes[c];
      tput.push_back(cr.completed / r.duration);
      // Over the requests that finished: those still in flight when the run ends have no outcome.
      std::uint64_t finished = cr.completed + cr.failed;
      err.push_back(finished ? static_cast<double>(cr.failed) / finished : 0);
      if (cr.latency.count() > 0) {
        mean.push_back(cr.latency.mean());
        p50.push_back(cr.latency.quantile(0.50));
        p95.push_back(cr.latency.quantile(0.95));
        p99.push_back(cr.latency.quantile(0.99));
        p999.push_back(cr.latency.quantile(0.999));
      }
      for (const auto& [cause, n] : cr.errors) cs.errors[cause] += static_cast<double>(n);
      cs.completed += cr.completed;
      cs.failed += cr.failed;
      cs.latency.merge(cr.latency);
    }
    cs.throughput = estimate(tput);
    cs.error_rate = estimate(err);
    cs.mean = estimate(mean);
    cs.p50 = estimate(p50);
    cs.p95 = estimate(p95);
    cs.p99 = estimate(p99);
    cs.p999 = estimate(p999);
    s.classes.push_back(std::move(cs));
  }
  for (std::size_t i = 0; i < first.components.size(); ++i) {
    ComponentSummary cs;
    cs.name = first.components[i].name;
    cs.kind = first.components[i].kind;
    cs.instances = first.components[i].report.instances;
    std::vector<double> util, service, queue, wait, tput, away;
    std::map<std::string, std::vector<double>> extra;
    for (const auto& r : results) {
      const auto& p = r.components[i].report;
      util.push_back(p.utilisation);
      service.push_back(p.service_utilisation < 0 ? p.utilisation : p.service_utilisation);
      queue.push_back(p.mean_queue);
      wait.push_back(p.mean_wait);
      tput.push_back(p.throughput);
      away.push_back(p.turned_away);
      cs.max_queue = std::max(cs.max_queue, p.max_queue);
      for (const auto& [k, v] : p.extra) extra[k].push_back(v);
    }
    cs.utilisation = estimate(util);
    cs.service_utilisation = estimate(service);
    cs.mean_queue = estimate(queue);
    cs.mean_wait = estimate(wait);
    cs.throughput = estimate(tput);
    cs.turned_away = estimate(away);
    for (auto& [k, v] : extra) cs.extra[k] = estimate(v);
    // Saturated: busy nearly all the time, or already turning work away.
    cs.saturated = cs.utilisation.mean >= 0.95 || cs.turned_away.mean > 0;
    cs.bottleneck = cs.service_utilisation.mean >= 0.95;
    s.components.push_back(std::move(cs));
  }
  // With no component busy in its own resource, what limits the system is a pool that is full
  // (workers, job slots): those saturated components are the bottlenecks.
  bool any_bottleneck = false;
  for (const auto& c : s.components) any_bottleneck |= c.bottleneck;
  if (!any_bottleneck)
    for (auto& c : s.components) c.bottleneck = c.saturated;
  // Bottlenecks first (their own resource is busy), then components backed up behind them
  // (holding workers or connections while they wait downstream), busiest first within each.
  std::vector<const ComponentSummary*> busiest;
  for (const auto& c : s.components)
    if (c.saturated) busiest.push_back(&c);
  std::stable_sort(busiest.begin(), busiest.end(), [](auto* a, auto* b) {
    if (a->bottleneck != b->bottleneck) return a->bottleneck;
    if (a->service_utilisation.mean != b->service_utilisation.mean)
      return a->service_utilisation.mean > b->service_utilisation.mean;
    return a->utilisation.mean > b->utilisation.mean;
  });
  for (auto* c : busiest) s.saturated.push_back(c->name);
  s.timeseries = first.timeseries;
  if (first.drill) s.drill = summarise_drills(results);
  for (const auto& r : results) {
    s.shed += r.shed;
    s.wall_seconds += r.wall_seconds;
  }
  return s;
}

RunSummary run_replications(const config::Topology& topology, const LoadSpec& load,
                            const RunSpec& run, const ReplicationPlan& plan) {
  int processes =
      plan.processes > 0 ? plan.processes : std::max(1u, std::thread::hardware_concurrency());
  std::vector<ReplicationResult> results;
  int planned = std::max(plan.replications, plan.ci_target ? 2 : 1);
  int next = 0;
  for (;;) {
    while (next < planned) {
      std::vector<Child> running;
      int batch_end = std::min(planned, next + processes);
      for (int r = next; r < batch_end; ++r) running.push_back(spawn(topology, load, run, r));
      for (auto& c : running) results.push_back(collect(c));
      next = batch_end;
      if (plan.progress) plan.progress(next, planned);
    }
    if (!plan.ci_target || next >= plan.max_replications) break;
    // Enough when every class's mean latency is known to within the target (relative half-width).
    RunSummary s = summarise(results, run);
    bool precise = true;
    for (const auto& c : s.classes)
      if (!(c.mean.half_width <= *plan.ci_target * c.mean.mean)) precise = false;
    if (precise) break;
    planned = std::min(plan.max_replications, next + processes);
  }
  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.replication < b.replication; });
  return summarise(results, run);
}

std::vector<ReplicationResult> run_tasks(const std::vector<BatchRun>& runs,
                                         const std::vector<BatchTask>& tasks, int processes) {
  if (processes <= 0)
    processes = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<ReplicationResult> results;
  results.reserve(tasks.size());
  for (std::size_t next = 0; next < tasks.size();) {
    std::vector<Child> running;
    for (; next < tasks.size() && static_cast<int>(running.size()) < processes; ++next) {
      const BatchRun& b = runs.at(tasks[next].run);
      running.push_back(spawn(*b.topology, b.load, b.run, tasks[next].replication));
    }
    for (auto& child : running) results.push_back(collect(child));
  }
  return results;
}

namespace {
BatchExecutor& batch_executor() {
  static BatchExecutor executor;
  return executor;
}
}  // namespace

void set_batch_executor(BatchExecutor executor) {
  batch_executor() = std::move(executor);
}

std::string result_to_wire(const ReplicationResult& result) {
  return to_wire(result).dump();
}

ReplicationResult result_from_wire(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::runtime_error("a replication's result is not valid JSON");
  return from_wire(j);
}

std::vector<RunSummary> run_batch(const std::vector<BatchRun>& runs, int processes) {
  std::vector<BatchTask> tasks;
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (int r = 0; r < runs[i].replications; ++r) tasks.push_back({i, r});
  const BatchExecutor& executor = batch_executor();
  std::vector<ReplicationResult> done =
      executor ? executor(runs, tasks, processes) : run_tasks(runs, tasks, processes);
  if (done.size() != tasks.size())
    throw std::runtime_error("the batch executor returned " + std::to_string(done.size()) +
                             " results for " + std::to_string(tasks.size()) + " replications");
  // Each run's replications in order, whichever order they finished in: the summary depends on
  // the results only, never on who ran them.
  std::vector<std::vector<ReplicationResult>> results(runs.size());
  for (std::size_t t = 0; t < tasks.size(); ++t)
    results[tasks[t].run].push_back(std::move(done[t]));
  std::vector<RunSummary> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::sort(results[i].begin(), results[i].end(),
              [](const auto& a, const auto& b) { return a.replication < b.replication; });
    out.push_back(summarise(results[i], runs[i].run));
  }
  return out;
}

}  // namespace capsim::sim
