// load_balancer: nginx's upstream module in front of a replicated component. Requests to the
// upstream enter here. Balancing: weighted round-robin (nginx's default), least_conn, random, or
// two_choices (power of two random choices). Passive health marking per nginx: `max_fails`
// failures within `fail_timeout` mark a server unavailable for `fail_timeout`; a single-server
// group is never marked; when every server is unavailable the request gets a 502 and the marks are
// cleared ("mark them as live for quick recovery", ngx_http_upstream_round_robin.c). On error or
// timeout the next server is tried (proxy_next_upstream "error timeout"), except for non-idempotent
// requests once sent.
#include <vector>

#include "models/common.hpp"
#include "models/decisions.hpp"
#include "sim/deadlines.hpp"

namespace capsim::models {
namespace {

class LoadBalancer final : public sim::Component {
 public:
  LoadBalancer(const config::Component& c, const config::LoadBalancerSpec& spec,
               sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        read_timeouts_(ctx.engine, spec.read_timeout, kReadTimeout),
        balance_(spec.balance == "least_conn"    ? Balance::LeastConn
                 : spec.balance == "random"      ? Balance::Random
                 : spec.balance == "two_choices" ? Balance::TwoChoices
                                                 : Balance::RoundRobin),
        upstream_(ctx.topology.index_of(spec.upstream)) {
    (void)c;
  }

  int fronts() const override { return upstream_; }

  void handle(sim::Visit v) override {
    ensure_state();
    ++received_;
    int tries = spec_.next_upstream_tries > 0 ? spec_.next_upstream_tries : live_;
    attempt(std::move(v), tries, std::vector<bool>(servers_.size(), false));
  }

  void reset_stats(double now) override {
    (void)now;
    received_ = failed_over_ = bad_gateway_ = marked_down_ = 0;
    read_timeouts_.reset_stats();
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = spec_.instances;
    r.throughput = received_ / std::max(1e-9, now - ctx_.measure_from);
    r.extra["retries"] = static_cast<double>(failed_over_);
    r.extra["bad_gateway"] = static_cast<double>(bad_gateway_);
    r.extra["marked_down"] = static_cast<double>(marked_down_);
    r.extra["read_timeouts"] = static_cast<double>(read_timeouts_.expired());
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    int down = 0;
    for (int i = 0; i < live_; ++i) down += !available(i, now);
    out.emplace_back("servers_marked_down", down);
  }

 private:
  static constexpr const char* kReadTimeout = "504 upstream timed out";
  enum class Balance { RoundRobin, LeastConn, Random, TwoChoices };
  struct Server {
    int active = 0;
    PeerHealth health;
  };

  // The upstream's ready instances are [0, live_); it may scale while requests are in flight, so
  // the state of every instance ever seen is kept (never shrunk).
  void ensure_state() {
    live_ = ctx_.component(upstream_).instances();
    if (static_cast<int>(servers_.size()) < live_) servers_.resize(live_);
  }

  bool available(int i, double now) const {
    return nginx_available(servers_[i].health, now, live_);
  }

  // The server for the next try among those not yet tried and not marked down, or -1.
  int pick(const std::vector<bool>& tried, double now) {
    int n = live_;
    auto usable = [&](int i) { return !tried[i] && available(i, now); };
    if (balance_ == Balance::Random || balance_ == Balance::TwoChoices) {
      int count = 0;
      for (int i = 0; i < n; ++i) count += usable(i);
      if (count == 0) return -1;
      auto nth_usable = [&](std::size_t k) {
        for (int i = 0; i < n; ++i)
          if (usable(i) && k-- == 0) return i;
        return -1;
      };
      int a = nth_usable(ctx_.rng.below(count));
      if (balance_ == Balance::Random) return a;
      int b = nth_usable(ctx_.rng.below(count));  // power of two choices: the less loaded
      return servers_[b].active < servers_[a].active ? b : a;
    }
    // round_robin, and least_conn with ties broken in round-robin order (nginx)
    int best = -1;
    for (int k = 0; k < n; ++k) {
      int i = (rr_ + k) % n;
      if (!usable(i)) continue;
      if (balance_ != Balance::LeastConn) {
        best = i;
        break;
      }
      if (best < 0 || servers_[i].active < servers_[best].active) best = i;
    }
    if (best >= 0) rr_ = (best + 1) % n;
    return best;
  }

  void record_failure(int i, double now) {
    if (nginx_record_failure(servers_[i].health, now, spec_.max_fails, spec_.fail_timeout, live_))
      ++marked_down_;
  }

  static bool retryable(const char* cause) {
    // proxy_next_upstream error timeout: connection errors and timeouts, not application errors
    std::string c = cause ? cause : "";
    return c == "connection refused" || c == "replica down" || c == "timeout" ||
           c == "backlog full" || c == kReadTimeout;
  }

  // Failed before the request was sent: nginx may retry even non-idempotent requests then.
  static bool before_sending(const char* cause) {
    std::string c = cause ? cause : "";
    return c == "connection refused" || c == "backlog full";
  }

  void attempt(sim::Visit v, int tries_left, std::vector<bool> tried) {
    ensure_state();
    tried.resize(servers_.size(), false);
    double now = ctx_.engine.now();
    int i = pick(tried, now);
    if (i < 0) {
      ++bad_gateway_;
      for (auto& s : servers_) s.health.down_until = -1;  // nginx: all failed -> all live again
      v.done(sim::Outcome::failure("502 no live upstream"));
      return;
    }
    tried[i] = true;
    ++servers_[i].active;
    sim::Component& up = ctx_.component(upstream_);
    sim::Request* request = v.request;
    const sim::CallPlan* call = v.call;
    // The answer, or a timeout after proxy_read_timeout, whichever comes first.
    auto id = read_timeouts_.begin(
        [this, i, v = std::move(v), tries_left, tried = std::move(tried)](sim::Outcome o) mutable {
          --servers_[i].active;
          if (o.ok || !retryable(o.cause)) {
            v.done(o);
            return;
          }
          record_failure(i, ctx_.engine.now());
          if (tries_left > 1 && (v.request->idempotent || before_sending(o.cause))) {
            ++failed_over_;
            attempt(std::move(v), tries_left - 1, std::move(tried));
          } else {
            v.done(o);
          }
        });
    up.handle_on(
        i, sim::Visit{request, call, [this, id](sim::Outcome o) { read_timeouts_.answer(id, o); }});
  }

  sim::ModelContext ctx_;
  config::LoadBalancerSpec spec_;
  sim::Deadlines read_timeouts_;  // proxy_read_timeout
  Balance balance_;
  int upstream_;
  std::vector<Server> servers_;
  int live_ = 0;
  int rr_ = 0;
  std::uint64_t received_ = 0, failed_over_ = 0, bad_gateway_ = 0, marked_down_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_load_balancer(const config::Component& c,
                                                   sim::ModelContext& ctx) {
  return std::make_unique<LoadBalancer>(c, std::get<config::LoadBalancerSpec>(c.spec), ctx);
}

}  // namespace capsim::models
