#include "sim/engine.hpp"

#include <xbt/log.h>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

namespace capsim::sim {

namespace sg = simgrid::s4u;
using simgrid::kernel::timer::Timer;

// SimGrid measures work in flops; one core runs kFlops per simulated second.
constexpr double kFlops = 1e9;

struct PendingExec {
  Completion done;
  sg::ExecPtr exec;
  Host* host;
};

struct Engine::Impl {
  std::unique_ptr<sg::Engine> engine;
  sg::NetZone* zone = nullptr;
  // docs/ENGINE.md: an exec started from maestro must outlive its completion callback, so finished ones
  // are released at the next completion instead of inside their own.
  std::vector<PendingExec*> finished;

  void release_finished() {
    for (auto* p : finished) delete p;
    finished.clear();
  }
};

Engine::Engine() : impl_(std::make_unique<Impl>()) {
  xbt_log_control_set("root.thres:critical");
  int argc = 1;
  char name[] = "capsim";
  char* argv[] = {name, nullptr};
  impl_->engine = std::make_unique<sg::Engine>(&argc, argv);
  // CM02 gives the latency one sets; LV08 (the default) multiplies it by ~13 (docs/ENGINE.md).
  sg::Engine::set_config("network/model:CM02");
  impl_->zone = sg::create_full_zone("capsim");
  sg::Activity::on_completion_cb([impl = impl_.get()](sg::Activity const& activity) {
    auto* pending = activity.get_data<PendingExec>();
    if (!pending) return;
    impl->release_finished();
    bool ok = activity.get_state() == sg::Activity::State::FINISHED;
    pending->host->finished(sg::Engine::get_clock());
    impl->finished.push_back(pending);
    pending->done(ok);
  });
}

Engine::~Engine() {
  impl_->release_finished();
}

double Engine::now() const {
  return sg::Engine::get_clock();
}

void Engine::at(double time, Action action) {
  ++events_;
  Timer::set(time, std::move(action));
}

Host& Engine::add_host(const std::string& name, int cores, int max_concurrency) {
  sg::Host* native = impl_->zone->create_host(name, kFlops);
  native->set_core_count(cores);
  native->seal();
  hosts_.push_back(std::unique_ptr<Host>(
      new Host(*this, name, cores, max_concurrency <= cores, static_cast<void*>(native))));
  return *hosts_.back();
}

void Engine::seal() {
  impl_->zone->seal();
}

void Engine::run_until(double time) {
  impl_->engine->run_until(time);
}

void Engine::start_exec(Host& host, double seconds, Completion done) {
  ++events_;
  auto* pending = new PendingExec{std::move(done), sg::Exec::init(), &host};
  pending->exec->set_host(static_cast<sg::Host*>(host.native_))
      ->set_flops_amount(seconds * kFlops)
      ->set_data(pending);
  pending->exec->start();
}

Host::Host(Engine& engine, std::string name, int cores, bool dedicated, void* native)
    : engine_(engine),
      name_(std::move(name)),
      cores_(cores),
      dedicated_(dedicated),
      native_(native) {}

void Host::busy_changed(double now) {
  double level = std::min(running_, cores_);
  busy_.set(now, level);
  busy_area_ += busy_level_ * (now - busy_since_);
  busy_level_ = level;
  busy_since_ = now;
}

void Host::started(double now) {
  ++running_;
  busy_changed(now);
}

void Host::finished(double now) {
  --running_;
  busy_changed(now);
}

void Host::compute(double seconds, Completion done) {
  if (!up_) {
    done(false);
    return;
  }
  started(engine_.now());
  if (dedicated_) {
    unsigned generation = generation_;
    engine_.after(seconds * slowdown_, [this, generation, done = std::move(done)] {
      bool ok = up_ && generation == generation_;
      if (ok) finished(engine_.now());
      done(ok);
    });
    return;
  }
  engine_.start_exec(*this, seconds * slowdown_, std::move(done));
}

// Work started from now on takes `factor` times longer; work already running keeps its pace.
void Host::set_slowdown(double factor) {
  slowdown_ = factor;
}

void Host::turn_off() {
  if (!up_) return;
  up_ = false;
  ++generation_;
  if (dedicated_) {
    running_ = 0;
    busy_changed(engine_.now());
  }
  static_cast<sg::Host*>(native_)->turn_off();
}

void Host::turn_on() {
  if (up_) return;
  up_ = true;
  static_cast<sg::Host*>(native_)->turn_on();
}

}  // namespace capsim::sim
