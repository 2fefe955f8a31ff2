// worker_queue: BullMQ semantics (SEMANTICS.md 2.11). Enqueueing costs one command on the broker
// (a redis component) and returns at once: the request does not wait for the job. `workers`
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
#include <deque>
#include <functional>
#include <map>
#include <optional>

#include "models/common.hpp"
#include "models/decisions.hpp"
#include "sim/autoscaler.hpp"
#include "sim/simulation.hpp"

namespace capsim::models {
namespace {

// The queue's waiting jobs and its job slots (workers x concurrency). A free slot takes the waiting
// job of the best priority (0 first, then 1 = highest ... 2,097,152), FIFO within a priority; with
// a rate limiter, at most `max` jobs start in each `duration` window, the window opening with the
// first start after the previous one closed (BullMQ keeps a counter that expires after duration).
class JobSlots {
 public:
  JobSlots(sim::Engine& engine, int slots, int limit_max, double limit_window)
      : engine_(engine), slots_(slots), limit_max_(limit_max), limit_window_(limit_window) {}

  void enqueue(int priority, std::function<void()> start) {
    double now = engine_.now();
    waiting_[priority].push_back({std::move(start), now});
    ++waiting_count_;
    queue_level_.set(now, static_cast<double>(waiting_count_));
    dispatch();
  }
  void release() {
    --busy_;
    busy_level_.set(engine_.now(), busy_);
    dispatch();
  }
  void set_slots(int slots) {
    slots_ = slots;
    slots_level_.set(engine_.now(), slots);
    dispatch();
  }

  int slots() const { return slots_; }
  int busy() const { return busy_; }
  std::size_t waiting() const { return waiting_count_; }
  void reset_stats(double now) {
    busy_level_.reset(now);
    queue_level_.reset(now);
    slots_level_.reset(now);
    wait_sum_ = 0;
    started_ = held_back_ = 0;
  }
  double utilisation(double now) const {
    double slots = slots_level_.mean(now);
    return slots > 0 ? busy_level_.mean(now) / slots : 0;
  }
  double mean_queue(double now) const { return queue_level_.mean(now); }
  double max_queue() const { return queue_level_.max(); }
  double mean_wait() const { return started_ ? wait_sum_ / started_ : 0; }
  std::uint64_t held_back() const { return held_back_; }  // starts the limiter delayed

 private:
  struct Waiting {
    std::function<void()> start;
    double since;
  };

  void dispatch() {
    double now = engine_.now();
    while (busy_ < slots_ && waiting_count_ > 0) {
      if (limit_max_ > 0) {
        if (now >= window_end_) {
          window_end_ = now + limit_window_;
          window_count_ = 0;
        }
        if (window_count_ >= limit_max_) {
          ++held_back_;
          if (!armed_) {
            armed_ = true;
            engine_.at(window_end_, [this] {
              armed_ = false;
              dispatch();
            });
          }
          return;
        }
        ++window_count_;
      }
      auto best = waiting_.begin();
      Waiting w = std::move(best->second.front());
      best->second.pop_front();
      if (best->second.empty()) waiting_.erase(best);
      --waiting_count_;
      queue_level_.set(now, static_cast<double>(waiting_count_));
      ++busy_;
      busy_level_.set(now, busy_);
      ++started_;
      wait_sum_ += now - w.since;
      w.start();
    }
  }

  sim::Engine& engine_;
  int slots_, limit_max_;
  double limit_window_;
  int busy_ = 0;
  std::map<int, std::deque<Waiting>> waiting_;  // by priority, lowest number first
  std::size_t waiting_count_ = 0;
  double window_end_ = -1;
  int window_count_ = 0;
  bool armed_ = false;
  sim::TimeWeighted busy_level_, queue_level_, slots_level_;
  double wait_sum_ = 0;
  std::uint64_t started_ = 0, held_back_ = 0;
};

class WorkerQueue final : public sim::Component, public sim::Scalable {
 public:
  WorkerQueue(const config::Component& c, const config::WorkerQueueSpec& spec,
              sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        broker_(ctx.topology.index_of(spec.broker)),
        slots_(ctx.engine, spec.workers * spec.concurrency, spec.limiter_max,
               spec.limiter_duration) {
    (void)c;
    for (const auto& job : ctx.topology.jobs) {
      jobs_.push_back(sim::compile_calls(ctx.topology, job.calls));
      priorities_.push_back(job.priority);
    }
    job_latency_sum_.assign(jobs_.size(), 0);
    job_completed_.assign(jobs_.size(), 0);
    slots_.set_slots(spec.workers * spec.concurrency);
    broker_op_.target = broker_;
    broker_op_.op = "enqueue";
    broker_op_.write = true;
    desired_ = ready_ = spec.workers;
    if (sim::ScalingDecision(spec.autoscale).enabled()) {
      desired_ = ready_ = std::clamp(spec.workers, sim::policy_min(spec.autoscale),
                                     sim::policy_max(spec.autoscale));
      slots_.set_slots(ready_ * spec.concurrency);
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

  void reset_stats(double now) override {
    slots_.reset_stats(now);
    latency_.reset();
    std::fill(job_latency_sum_.begin(), job_latency_sum_.end(), 0);
    std::fill(job_completed_.begin(), job_completed_.end(), 0);
    completed_ = failed_ = retries_ = 0;
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
    for (std::size_t j = 0; j < jobs_.size(); ++j)
      if (job_completed_[j] > 0)
        r.extra["job_latency_mean." + ctx_.topology.jobs[j].name] =
            job_latency_sum_[j] / job_completed_[j];
    r.throughput = completed_ / std::max(1e-9, now - ctx_.measure_from);
    r.extra["jobs_completed"] = static_cast<double>(completed_);
    r.extra["jobs_failed"] = static_cast<double>(failed_);
    r.extra["job_retries"] = static_cast<double>(retries_);
    r.extra["job_latency_mean"] = latency_.mean();
    r.extra["job_latency_p50"] = latency_.quantile(0.50);
    r.extra["job_latency_p95"] = latency_.quantile(0.95);
    r.extra["job_latency_p99"] = latency_.quantile(0.99);
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    out.emplace_back("waiting_jobs", static_cast<double>(slots_.waiting()));
    out.emplace_back("active_jobs", slots_.busy());
    out.emplace_back("replicas", ready_);
  }

 private:
  struct JobRun {
    sim::Request request;
    double enqueued;
    int attempt = 1;
  };

  void start_job(int job, bool measured) {
    auto run = std::make_shared<JobRun>();
    run->request.job = job;
    run->request.start = ctx_.engine.now();
    run->request.measured = measured;
    run->enqueued = ctx_.engine.now();
    try_job(run);
  }

  void try_job(std::shared_ptr<JobRun> run) {
    // A retried job keeps its priority (docs.bullmq.io retrying-failing-jobs).
    slots_.enqueue(priorities_[run->request.job], [this, run] {
      ctx_.flow.run_sequence(&run->request, jobs_[run->request.job], [this, run](sim::Outcome o) {
        slots_.release();
        if (o.ok) {
          ++completed_;
          if (run->request.measured) {
            double latency = ctx_.engine.now() - run->enqueued;
            latency_.add(latency);
            job_latency_sum_[run->request.job] += latency;
            ++job_completed_[run->request.job];
          }
          return;
        }
        // `attempt` tries have been made (attemptsMade); `attempts` counts the first one.
        if (run->attempt >= spec_.attempts) {
          ++failed_;
          return;
        }
        ++retries_;
        double delay = bullmq_backoff(spec_.backoff, spec_.backoff_delay, run->attempt);
        ++run->attempt;
        ctx_.engine.after(delay, [this, run] { try_job(run); });
      });
    });
  }

  sim::ModelContext ctx_;
  config::WorkerQueueSpec spec_;
  int broker_;
  JobSlots slots_;
  std::vector<int> priorities_;  // per job
  std::vector<double> job_latency_sum_;
  std::vector<std::uint64_t> job_completed_;
  sim::CallPlan broker_op_;
  std::vector<std::vector<sim::CallPlan>> jobs_;
  sim::Histogram latency_{0.01};
  std::uint64_t completed_ = 0, failed_ = 0, retries_ = 0;
  int desired_ = 1, ready_ = 1;
  std::optional<sim::Autoscaler> autoscaler_;

  void set_ready(int n) {
    ready_ = n;
    slots_.set_slots(n * spec_.concurrency);
  }
};

}  // namespace

std::unique_ptr<sim::Component> make_worker_queue(const config::Component& c,
                                                  sim::ModelContext& ctx) {
  return std::make_unique<WorkerQueue>(c, std::get<config::WorkerQueueSpec>(c.spec), ctx);
}

}  // namespace capsim::models
