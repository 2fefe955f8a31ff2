// worker_queue: BullMQ semantics (docs/SEMANTICS.md 2.11). Enqueueing costs one command on the
// broker (a redis component) and returns at once: the request does not wait for the job. `workers`
// processes each run up to `concurrency` jobs (BullMQ default 1, worker-options.ts); a job runs its
// own calls and fails only when one of them fails; a failed job is tried again until it has had
// `attempts` tries in all, the first included (default 1, base-job-options.ts), after the delay
// bullmq_backoff gives: none, a fixed delay, or 2^(attemptsMade-1) x delay for "exponential"
// (docs.bullmq.io retrying-failing-jobs; backoffs.ts). A retried job waits for a worker again like
// a new one. Job latency (enqueue to completion, over every try and backoff) goes into a histogram;
// it and the queue depth are reported by this component, apart from the request classes.
// Waiting jobs start by BullMQ priority (0, the default, first; then 1 = highest to 2,097,152;
// FIFO within one) and, with a `limiter`, at most `max` per `duration` window (BullMQ's rate
// limiter, global to the queue). With an autoscaler (the insurance runbook scales workers on the
// waiting count), added workers start taking jobs after their start-up delay; removed ones finish
// the jobs they hold.
//
// Drills (docs/SEMANTICS.md 2.11; taskforcesh/bullmq src/commands/includes/checkStalledJobs.lua and
// extendLock-2.lua). Killing worker i stalls the jobs it is running: nothing answers for them, no
// further calls are made for them, and they stay in the active list holding their locks. A
// running job's lock is renewed every lockRenewTime = lockDuration / 2 from its start (a renewal
// also takes it out of the queue's "stalled" set), so it expires lockDuration after the last
// renewal, 15-30 s after the kill with the defaults. The stalled-job check runs every
// stalledInterval (30 s) on whichever worker's timer comes first, at most once per interval for
// the whole queue (its "stalled-check" key), at its own phase, and on a worker's start; it first
// takes the jobs in the stalled set whose lock is gone (back to the front of the wait list, or
// failed once stalled more than maxStalledCount = 1 times: "job stalled more than allowable
// limit"), then puts every active job in the stalled set. So a stalled job is back in the queue
// at the first check after its lock expired, 15-60 s after the kill. A stall uses no attempt.
// Meanwhile the backlog builds on the reduced capacity and drains after the worker is restored or,
// under an autoscaler (workers as a Kubernetes Deployment), replaced after the policy's `startup`.
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "models/common.hpp"
#include "models/worker_queue/job_slots.hpp"
#include "models/worker_queue/params.hpp"
#include "models/worker_queue/rules.hpp"
#include "sim/autoscaler.hpp"
#include "sim/blueprint.hpp"

namespace capsim::models {
namespace {

// BullMQ's maxStalledCount default (worker-options.ts, docs/SEMANTICS.md 2.11): the topology has no
// key for it.
constexpr int kMaxStalledCount = 1;

class WorkerQueue final : public sim::Component, public sim::Scalable {
 public:
  WorkerQueue(const config::Component& c, const WorkerQueueParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        broker_(ctx.system.index_of(spec.broker)),
        workers_(static_cast<std::size_t>(std::max(spec.workers, sim::policy_max(spec.autoscale)))),
        slots_(ctx.engine, static_cast<int>(workers_.size()), spec.workers, spec.concurrency,
               spec.limiter_max, spec.limiter_duration) {
    (void)c;
    // Each call of a job is run on its own, so that a job whose worker died makes no more calls.
    for (const auto& job : ctx.system.jobs) {
      std::vector<std::vector<sim::CallPlan>> steps;
      for (const auto& call : job.calls) steps.push_back({call});
      steps_.push_back(std::move(steps));
      priorities_.push_back(job.priority);
    }
    job_latency_sum_.assign(steps_.size(), 0);
    job_completed_.assign(steps_.size(), 0);
    broker_op_.target = broker_;
    broker_op_.op = "enqueue";
    broker_op_.write = true;
    desired_ = ready_ = spec.workers;
    if (sim::ScalingDecision(spec.autoscale).enabled()) {
      desired_ = ready_ = std::clamp(spec.workers, sim::policy_min(spec.autoscale),
                                     sim::policy_max(spec.autoscale));
      slots_.set_ready(ready_);
      autoscaler_.emplace(ctx.engine, spec.autoscale, *this);
    }
  }

  // ---- sim::Scalable: the number of worker processes ----
  int desired_replicas() const override { return desired_; }

  void scale_to(int n) override {
    if (n < desired_) {
      desired_ = n;
      set_ready(std::min(ready_, n));
      return;
    }
    desired_ = n;
    ctx_.engine.after(sim::policy_startup(spec_.autoscale),
                      [this, n] { set_ready(std::max(ready_, std::min(n, desired_))); });
  }

  // Workers have no CPU of their own here (a job's work is in its calls): the share of job slots
  // busy now stands for it.
  double cpu_utilisation() override {
    return slots_.slots() ? static_cast<double>(slots_.busy()) / slots_.slots() : 0;
  }
  double queue_depth() const override { return static_cast<double>(slots_.waiting()); }

  void handle(sim::Visit v) override {
    int job = v.call->job;
    bool measured = v.request->measured;
    ctx_.flow.visit(broker_, sim::Visit{v.request, &broker_op_,
                                        [this, job, measured, done = v.done](sim::Outcome o) {
                                          if (!o.ok) {
                                            done(sim::Outcome::failure("enqueue failed"));
                                            return;
                                          }
                                          done(sim::Outcome{});
                                          start_job(job, measured);
                                        }});
  }

  // ---- drills: the worker processes [0, ready) ----
  int instances() const override { return ready_; }
  bool instance_up(int i) const override { return workers_[i].up; }
  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    for (int i = 0; i < ready_; ++i) out.push_back({"", i, ctx_.zone_of(i), workers_[i].up});
    return out;
  }
  bool supports(sim::FaultKind kind) const override {
    return kind == sim::FaultKind::kill || kind == sim::FaultKind::restore;
  }
  void fault(int i, sim::Fault f) override {
    if (f.kind == sim::FaultKind::kill)
      kill(i);
    else if (f.kind == sim::FaultKind::restore && !workers_[i].up)
      worker_up(i, "restored", label(i) + " takes jobs again");
  }

  void reset_stats(double now) override {
    slots_.reset_stats(now);
    latency_.reset();
    std::fill(job_latency_sum_.begin(), job_latency_sum_.end(), 0);
    std::fill(job_completed_.begin(), job_completed_.end(), 0);
    completed_ = failed_ = retries_ = stalled_ = stalled_failed_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = ready_;
    r.service_utilisation = 0;  // job slots are held while the job's calls run elsewhere
    r.utilisation = slots_.utilisation(now);
    r.mean_queue = slots_.mean_queue(now);
    r.max_queue = slots_.max_queue();
    r.mean_wait = slots_.mean_wait();
    r.extra["limiter_held_back"] = static_cast<double>(slots_.held_back());
    for (std::size_t j = 0; j < steps_.size(); ++j)
      if (job_completed_[j] > 0)
        r.extra["job_latency_mean." + ctx_.system.jobs[j].name] =
            job_latency_sum_[j] / job_completed_[j];
    r.throughput = completed_ / std::max(1e-9, now - ctx_.measure_from);
    r.extra["jobs_completed"] = static_cast<double>(completed_);
    r.extra["jobs_failed"] = static_cast<double>(failed_);
    r.extra["job_retries"] = static_cast<double>(retries_);
    r.extra["job_latency_mean"] = latency_.mean();
    r.extra["job_latency_p50"] = latency_.quantile(0.50);
    r.extra["job_latency_p95"] = latency_.quantile(0.95);
    r.extra["job_latency_p99"] = latency_.quantile(0.99);
    if (killed_ever_) {
      // Drills: stalls, and every job's fate since the start of the run (warm-up included), so
      // that none goes missing: enqueued = completed + failed + still open at the end.
      r.extra["jobs_stalled"] = static_cast<double>(stalled_);
      r.extra["jobs_failed_stalled"] = static_cast<double>(stalled_failed_);
      r.extra["jobs_enqueued_total"] = static_cast<double>(enqueued_total_);
      r.extra["jobs_completed_total"] = static_cast<double>(completed_total_);
      r.extra["jobs_failed_total"] = static_cast<double>(failed_total_);
    }
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    out.emplace_back("waiting_jobs", static_cast<double>(slots_.waiting()));
    out.emplace_back("active_jobs", slots_.busy());
    int live = 0;
    for (int i = 0; i < ready_; ++i) live += workers_[i].up;
    out.emplace_back("replicas", live);
  }

 private:
  struct JobRun {
    sim::Request request;
    double enqueued;
    int attempt = 1;
    int stalls = 0;  // BullMQ's stalledCounter
    // On a worker: which, since when, and its key there; `dead` once that worker has died (the
    // job is stalled: its calls under way are a dead process's, and it makes no more).
    int worker = -1;
    double started = 0;
    std::size_t key = 0;
    bool dead = false;
    double last_renewal = 0;  // of its lock, before the worker died
    bool marked = false;      // in the queue's "stalled" set
  };
  struct Worker {
    bool up = true;
    unsigned epoch = 0;  // bumped at each kill, so a stale replacement timer is ignored
    sim::Holders<std::shared_ptr<JobRun>> running;
  };

  std::string label(int i) const { return ctx_.name() + "[" + std::to_string(i) + "]"; }

  void start_job(int job, bool measured) {
    auto run = std::make_shared<JobRun>();
    run->request.job = job;
    run->request.start = ctx_.engine.now();
    run->request.measured = measured;
    run->enqueued = ctx_.engine.now();
    ++enqueued_total_;
    try_job(run);
  }

  void try_job(std::shared_ptr<JobRun> run, bool front = false) {
    // A retried job keeps its priority (docs.bullmq.io retrying-failing-jobs).
    slots_.enqueue(
        priorities_[run->request.job],
        [this, run](int worker) {
          run->worker = worker;
          run->started = ctx_.engine.now();
          run->key = workers_[worker].running.add(run);
          step(run, 0);
        },
        front);
    if (watch_backlog_) peak_backlog_ = std::max(peak_backlog_, slots_.waiting());
  }

  // The job's calls one after another, while its worker lives.
  void step(const std::shared_ptr<JobRun>& run, std::size_t i) {
    const auto& steps = steps_[run->request.job];
    if (i == steps.size()) {
      finish(run, sim::Outcome{});
      return;
    }
    ctx_.flow.run_sequence(&run->request, steps[i], [this, run, i](sim::Outcome o) {
      if (run->dead) return;  // stalled: the stalled-job check takes it from here
      if (!o.ok)
        finish(run, o);
      else
        step(run, i + 1);
    });
  }

  void finish(const std::shared_ptr<JobRun>& run, sim::Outcome o) {
    workers_[run->worker].running.remove(run->key);
    slots_.release(run->worker);
    check_backlog();
    if (o.ok) {
      if (failing_) {
        failing_ = false;
        note_jobs("jobs complete again", std::to_string(failed_since_) + " jobs failed meanwhile");
      }
      ++completed_;
      ++completed_total_;
      if (run->request.measured) {
        double latency = ctx_.engine.now() - run->enqueued;
        latency_.add(latency);
        job_latency_sum_[run->request.job] += latency;
        ++job_completed_[run->request.job];
        ctx_.timeline->job_done(run->request.job, run->enqueued, latency, nullptr);
      }
      return;
    }
    // `attempt` tries have been made (attemptsMade); `attempts` counts the first one.
    if (run->attempt >= spec_.attempts) {
      ++failed_;
      ++failed_total_;
      ++failed_since_;
      if (run->request.measured)
        ctx_.timeline->job_done(run->request.job, run->enqueued, ctx_.engine.now() - run->enqueued,
                                o.cause ? o.cause : "error");
      if (!failing_) {
        failing_ = true;
        failed_since_ = 1;
        note_jobs("jobs failing", "a job failed after " + std::to_string(run->attempt) +
                                      " attempt(s) (" + (o.cause ? o.cause : "error") + ")");
      }
      return;
    }
    ++retries_;
    double delay = bullmq_backoff(spec_.backoff, spec_.backoff_delay, run->attempt);
    ++run->attempt;
    ctx_.engine.after(delay, [this, run] { try_job(run); });
  }

  // ---- drills ----
  // Job failures on the timeline: when jobs start to fail for good, and when they complete again.
  // Capped: an overloaded queue can make them alternate all run long.
  void note_jobs(const std::string& event, const std::string& detail) {
    if (job_notes_ > kMaxJobNotes) return;
    if (++job_notes_ > kMaxJobNotes)
      ctx_.timeline->note(ctx_.name(), "job notes", "further job failures not shown");
    else
      ctx_.timeline->note(ctx_.name(), event, detail);
  }

  void kill(int i) {
    Worker& w = workers_[i];
    if (!w.up) return;
    w.up = false;
    ++w.epoch;
    killed_ever_ = true;
    ensure_checker();
    double now = ctx_.engine.now();
    double renew = spec_.lock_duration / 2;  // lockRenewTime's default
    auto runs = w.running.take_all();
    slots_.set_up(i, false);
    for (auto& run : runs) {
      run->dead = true;
      run->last_renewal =
          renew > 0 ? run->started + std::floor((now - run->started) / renew) * renew : now;
      // Put in the stalled set by a check since its last renewal, if there was one.
      run->marked = last_check_ >= run->last_renewal;
      stalled_runs_.push_back(run);
    }
    watch_backlog_ = true;
    peak_backlog_ = std::max(peak_backlog_, slots_.waiting());
    std::string detail = label(i) + " dies with " + std::to_string(runs.size()) +
                         " jobs in progress: they stall until their locks expire (lockDuration " +
                         fmt_seconds(spec_.lock_duration) +
                         " after the last renewal) and the stalled-job check finds them";
    if (!autoscaler_) {
      ctx_.timeline->note(ctx_.name(), "worker down", detail + "; it stays down until restored");
      return;
    }
    double startup = sim::policy_startup(spec_.autoscale);
    ctx_.timeline->note(
        ctx_.name(), "worker down",
        detail + "; Kubernetes starts a replacement (ready after " + fmt_seconds(startup) + ")");
    unsigned epoch = w.epoch;
    ctx_.engine.after(startup, [this, i, epoch] {
      if (workers_[i].epoch != epoch || workers_[i].up) return;
      worker_up(i, "replacement ready", label(i) + "'s replacement takes jobs");
    });
  }

  void worker_up(int i, const std::string& event, const std::string& detail) {
    workers_[i].up = true;
    ctx_.timeline->note(ctx_.name(), event, detail);
    slots_.set_up(i, true);
    // A starting worker runs the stalled-job check at once (subject to the check key).
    if (i < ready_) stalled_check();
    check_backlog();
  }

  // The stalled-job check runs every stalledInterval at its own phase; started at the first kill
  // (before it, it finds nothing), from where that phase puts it.
  void ensure_checker() {
    if (checker_) return;
    checker_ = true;
    double interval = spec_.stalled_interval;
    double now = ctx_.engine.now();
    double phase = ctx_.rng.uniform() * interval;
    double last = phase + std::floor((now - phase) / interval) * interval;
    last_check_ = last >= 0 ? last : -1e300;
    schedule_check(last + interval);
  }
  void schedule_check(double at) {
    ctx_.engine.at(at, [this, at] {
      stalled_check();
      schedule_check(at + spec_.stalled_interval);
    });
  }

  // checkStalledJobs: run at most once per stalledInterval (the "stalled-check" key), by a live
  // worker; the jobs of the stalled set whose lock is gone go back to wait (or fail), then every
  // active job joins the stalled set. Live workers' renewals take their own jobs out again, so
  // only dead workers' jobs are followed here.
  void stalled_check() {
    double now = ctx_.engine.now();
    if (!checker_ || now - last_check_ < spec_.stalled_interval - 1e-9) return;
    bool live = false;
    for (int i = 0; i < ready_; ++i) live = live || workers_[i].up;
    if (!live) return;
    last_check_ = now;
    std::vector<std::shared_ptr<JobRun>> back;
    int failed = 0;
    std::vector<std::shared_ptr<JobRun>> still;
    for (auto& run : stalled_runs_) {
      if (run->marked && now >= run->last_renewal + spec_.lock_duration) {
        ++stalled_;
        if (++run->stalls > kMaxStalledCount) {
          ++failed, ++failed_, ++failed_total_, ++stalled_failed_;
          if (run->request.measured)
            ctx_.timeline->job_done(run->request.job, run->enqueued, now - run->enqueued,
                                    "job stalled more than maxStalledCount");
        } else {
          back.push_back(run);
        }
      } else {
        run->marked = true;
        still.push_back(run);
      }
    }
    stalled_runs_ = std::move(still);
    if (back.empty() && failed == 0) return;
    std::string detail = std::to_string(back.size()) + " stalled jobs back in the wait list";
    if (failed)
      detail += ", " + std::to_string(failed) +
                " failed (stalled more than maxStalledCount = " + std::to_string(kMaxStalledCount) +
                " times)";
    ctx_.timeline->note(ctx_.name(), "stalled jobs back in the queue",
                        detail + ": their locks expired and the stalled-job check found them");
    // A fresh run for each (the dead one's calls may still be under way with the old request),
    // to the front of the wait list in the order they were found.
    for (auto it = back.rbegin(); it != back.rend(); ++it) {
      const JobRun& old = **it;
      auto fresh = std::make_shared<JobRun>();
      fresh->request.job = old.request.job;
      fresh->request.start = old.request.start;
      fresh->request.measured = old.request.measured;
      fresh->enqueued = old.enqueued;
      fresh->attempt = old.attempt;
      fresh->stalls = old.stalls;
      try_job(fresh, true);
    }
  }

  // After a kill: once every worker is back and nothing waits, the backlog has drained.
  void check_backlog() {
    if (!watch_backlog_ || slots_.waiting() > 0 || !stalled_runs_.empty()) return;
    for (int i = 0; i < ready_; ++i)
      if (!workers_[i].up) return;
    watch_backlog_ = false;
    if (peak_backlog_ > 0)
      ctx_.timeline->note(ctx_.name(), "backlog drained",
                          "no jobs waiting any more (at most " + std::to_string(peak_backlog_) +
                              " waited meanwhile)");
    peak_backlog_ = 0;
  }

  void set_ready(int n) {
    // New pods are fresh workers, even where a killed one's replacement was still starting.
    for (int i = ready_; i < n; ++i)
      if (!workers_[i].up) {
        workers_[i].up = true;
        slots_.set_up(i, true);
      }
    ready_ = n;
    slots_.set_ready(n);
  }

  sim::ModelContext ctx_;
  WorkerQueueParams spec_;
  int broker_;
  std::vector<Worker> workers_;
  JobSlots slots_;
  std::vector<int> priorities_;  // per job
  std::vector<double> job_latency_sum_;
  std::vector<std::uint64_t> job_completed_;
  sim::CallPlan broker_op_;
  std::vector<std::vector<std::vector<sim::CallPlan>>> steps_;  // per job, per call: that call
  core::Histogram latency_{0.01};
  std::uint64_t completed_ = 0, failed_ = 0, retries_ = 0, stalled_ = 0, stalled_failed_ = 0;
  std::uint64_t enqueued_total_ = 0, completed_total_ = 0, failed_total_ = 0;
  int desired_ = 1, ready_ = 1;
  std::optional<sim::Autoscaler> autoscaler_;
  // Drills
  bool killed_ever_ = false, checker_ = false, watch_backlog_ = false;
  double last_check_ = -1e300;
  std::vector<std::shared_ptr<JobRun>> stalled_runs_;  // dead workers' jobs, not yet found
  std::size_t peak_backlog_ = 0;
  bool failing_ = false;
  std::uint64_t failed_since_ = 0;
  int job_notes_ = 0;
  static constexpr int kMaxJobNotes = 20;
};

}  // namespace

std::unique_ptr<sim::Component> make_worker_queue(const config::Component& c,
                                                  sim::ModelContext& ctx) {
  return std::make_unique<WorkerQueue>(c, c.as<WorkerQueueParams>(), ctx);
}

}  // namespace capsim::models
