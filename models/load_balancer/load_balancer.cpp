// load_balancer: nginx's upstream module in front of a replicated component. Requests to the
// upstream enter here. Balancing: weighted round-robin (nginx's default), least_conn, random, or
// two_choices (power of two random choices). Passive health marking per nginx: `max_fails`
// failures within `fail_timeout` mark a server unavailable for `fail_timeout`; a single-server
// group is never marked; when every server is unavailable the request gets a 502 and the marks are
// cleared ("mark them as live for quick recovery", ngx_http_upstream_round_robin.c). On error or
// timeout the next server is tried (proxy_next_upstream "error timeout"), except for non-idempotent
// requests once sent.
//
// Drills (docs/SEMANTICS.md 2.8). A dead upstream replica refuses connections; a refused connect is
// an `error` that counts as a failure, and as nothing was sent even a non-idempotent request goes
// to the next server. Requests the replica held when it died fail with the connection reset: they
// count too, idempotent ones are retried, non-idempotent ones (sent already) get the error. So a
// dead replica costs, per outage, the non-idempotent requests it held at the kill, plus
// `max_fails` wasted tries in every `fail_timeout` (marked down for fail_timeout, tried again,
// failing again while dead), while the survivors take its share. The timeline notes when a server
// is first marked down in an outage and when it answers again. The load balancer's own instances
// (`instances`, behind a VIP or DNS that drops dead ones, as pgbouncer's are) can be killed too:
// the requests one is proxying fail ("load balancer down"), new ones go to the others, and with
// none left every request fails.
#include <string_view>
#include <vector>

#include "models/common.hpp"
#include "models/load_balancer/params.hpp"
#include "models/load_balancer/rules.hpp"
#include "sim/deadlines.hpp"

namespace capsim::models {
namespace {

constexpr const char* kLbDown = "load balancer down";
constexpr int kMaxHealthNotes = 40;  // health changes noted per run: overload can make them flap

class LoadBalancer final : public sim::Component {
 public:
  LoadBalancer(const config::Component& c, const LoadBalancerParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        read_timeouts_(ctx.engine, spec.read_timeout, kReadTimeout),
        balance_(spec.balance == "least_conn"    ? Balance::LeastConn
                 : spec.balance == "random"      ? Balance::Random
                 : spec.balance == "two_choices" ? Balance::TwoChoices
                                                 : Balance::RoundRobin),
        upstream_(ctx.system.index_of(spec.upstream)) {
    (void)c;
    proxies_.resize(static_cast<std::size_t>(std::max(1, spec.instances)));
  }

  int fronts() const override { return upstream_; }

  void handle(sim::Visit v) override {
    // The VIP in front sends the client to an nginx instance that is up, in turn.
    int n = static_cast<int>(proxies_.size()), k = -1;
    for (int tries = 0; tries < n && k < 0; ++tries) {
      int i = next_proxy_;
      next_proxy_ = (next_proxy_ + 1) % n;
      if (proxies_[i].up) k = i;
    }
    if (k < 0) {
      v.done(sim::Outcome::failure(kLbDown));
      return;
    }
    ensure_state();
    ++received_;
    int tries = spec_.next_upstream_tries > 0 ? spec_.next_upstream_tries : live_;
    // The client's answer goes through the instance: a kill answers it at once (see fault()).
    Proxy& proxy = proxies_[k];
    std::size_t key = proxy.held.add(std::move(v.done));
    unsigned epoch = proxy.epoch;
    v.done = [this, k, key, epoch](sim::Outcome o) {
      Proxy& p = proxies_[k];
      if (p.epoch == epoch) p.held.remove(key)(o);
    };
    attempt(std::move(v), tries, std::vector<bool>(servers_.size(), false), k, epoch);
  }

  // ---- drills: the nginx instances themselves ----
  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    for (std::size_t i = 0; i < proxies_.size(); ++i)
      out.push_back({"", static_cast<int>(i), ctx_.zone_of(static_cast<int>(i)), proxies_[i].up});
    return out;
  }
  bool supports(sim::FaultKind kind) const override {
    return kind == sim::FaultKind::kill || kind == sim::FaultKind::restore;
  }
  void fault(int i, sim::Fault f) override {
    Proxy& p = proxies_[i];
    const std::string label = ctx_.name() + "[" + std::to_string(i) + "]";
    if (f.kind == sim::FaultKind::restore && !p.up) {
      p.up = true;
      ctx_.timeline->note(ctx_.name(), "restored", label + " proxies again");
    } else if (f.kind == sim::FaultKind::kill && p.up) {
      p.up = false;
      ++p.epoch;
      auto held = p.held.take_all();
      int up = 0;
      for (const auto& q : proxies_) up += q.up;
      ctx_.timeline->note(ctx_.name(), "proxy down",
                          label + " dies with " + std::to_string(held.size()) +
                              " requests in flight" +
                              (up ? "; clients go to the " + std::to_string(up) + " left"
                                  : "; no instance left: every request fails"));
      for (auto& done : held) done(sim::Outcome::failure(kLbDown));
    }
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
    bool marked = false;  // marked down since it last answered: one outage on the timeline
  };
  struct Proxy {
    bool up = true;
    unsigned epoch = 0;  // bumped at each kill: its requests were answered then
    sim::Holders<sim::Continuation> held;
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

  void record_failure(int i, double now, const char* cause) {
    Server& s = servers_[i];
    if (!nginx_record_failure(s.health, now, spec_.max_fails, spec_.fail_timeout, live_)) return;
    ++marked_down_;
    if (s.marked) return;
    s.marked = true;
    note("server marked down", upstream_name(i) + " failed " + std::to_string(spec_.max_fails) +
                                   " time(s) within fail_timeout (last: " + cause +
                                   "): no requests for " + fmt_seconds(spec_.fail_timeout));
  }

  void answered(int i) {
    Server& s = servers_[i];
    if (!s.marked) return;
    s.marked = false;
    note("server back", upstream_name(i) + " answers again and is back in rotation");
  }

  void note(const std::string& event, const std::string& detail) {
    if (health_notes_ > kMaxHealthNotes) return;
    if (++health_notes_ > kMaxHealthNotes)
      ctx_.timeline->note(ctx_.name(), "health notes", "further health changes not shown");
    else
      ctx_.timeline->note(ctx_.name(), event, detail);
  }

  std::string upstream_name(int i) const {
    return ctx_.system.components[upstream_].name + "[" + std::to_string(i) + "]";
  }

  static bool retryable(const char* cause) {
    // proxy_next_upstream error timeout: connection errors and timeouts, not application errors
    std::string_view c = cause ? cause : "";
    return c == "connection refused" || c == "app replica down" || c == "timeout" ||
           c == "backlog full" || c == kReadTimeout;
  }

  // Failed before the request was sent: nginx may retry even non-idempotent requests then.
  static bool before_sending(const char* cause) {
    std::string_view c = cause ? cause : "";
    return c == "connection refused" || c == "backlog full";
  }

  void attempt(sim::Visit v, int tries_left, std::vector<bool> tried, int proxy, unsigned epoch) {
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
    auto id = read_timeouts_.begin([this, i, v = std::move(v), tries_left, tried = std::move(tried),
                                    proxy, epoch](sim::Outcome o) mutable {
      --servers_[i].active;
      // The nginx instance died meanwhile: its client was answered then, nothing to retry.
      if (proxies_[proxy].epoch != epoch) return;
      if (o.ok || !retryable(o.cause)) {
        answered(i);  // an answer, even an error of the application's, is no failure
        v.done(o);
        return;
      }
      record_failure(i, ctx_.engine.now(), o.cause);
      if (tries_left > 1 && (v.request->idempotent || before_sending(o.cause))) {
        ++failed_over_;
        attempt(std::move(v), tries_left - 1, std::move(tried), proxy, epoch);
      } else {
        v.done(o);
      }
    });
    up.handle_on(
        i, sim::Visit{request, call, [this, id](sim::Outcome o) { read_timeouts_.answer(id, o); }});
  }

  sim::ModelContext ctx_;
  LoadBalancerParams spec_;
  sim::Deadlines read_timeouts_;  // proxy_read_timeout
  Balance balance_;
  int upstream_;
  std::vector<Server> servers_;
  int live_ = 0;
  int rr_ = 0;
  std::vector<Proxy> proxies_;
  int next_proxy_ = 0;
  int health_notes_ = 0;
  std::uint64_t received_ = 0, failed_over_ = 0, bad_gateway_ = 0, marked_down_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_load_balancer(const config::Component& c,
                                                   sim::ModelContext& ctx) {
  return std::make_unique<LoadBalancer>(c, c.as<LoadBalancerParams>(), ctx);
}

}  // namespace capsim::models
