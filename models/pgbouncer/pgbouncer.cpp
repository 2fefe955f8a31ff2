// pgbouncer: a connection pooler in front of a postgres component. Each instance is single-threaded
// ("uses one CPU core per instance", config.md) and spends a little CPU per transaction on it; it
// holds `default_pool_size` server connections (default 20) that clients take FCFS. In transaction
// (and statement) mode a server connection is held for one call. In session mode (PgBouncer's
// default) a client holds it until it disconnects; capsim takes the client's session to be the
// request its app worker serves (frameworks that connect per request, such as Django with its
// default CONN_MAX_AGE = 0), so the connection is held from the first query until the worker is
// released, and further queries of that request reuse it. A client that waits longer than
// `query_wait_timeout` (default 120 s) is disconnected; beyond `max_client_conn` clients (default
// 100) new ones are refused. After `reserve_pool_timeout` (5 s) of waiting a client may use one of
// `reserve_pool_size` extra connections.
#include <string_view>
#include <vector>

#include "models/common.hpp"
#include "models/pgbouncer/params.hpp"

namespace capsim::models {
namespace {

class PgBouncer final : public sim::Component {
 public:
  PgBouncer(const config::Component& c, const PgBouncerParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx), spec_(spec), cpu_(spec.cpu), server_(ctx.system.index_of(spec.server)) {
    for (int i = 0; i < spec.instances; ++i) {
      Instance inst;
      // Single-threaded: one event loop handles one client packet at a time, so its CPU work is
      // served first come, first served on one core.
      inst.host = &ctx.engine.add_host(c.name + "[" + std::to_string(i) + "]", 1, 1);
      inst.loop = std::make_unique<sim::WorkerPool>(ctx.engine, 1);
      inst.pool = std::make_unique<sim::WorkerPool>(
          ctx.engine, spec.default_pool_size,
          std::optional<long long>(std::max(0, spec.max_client_conn - spec.default_pool_size)),
          spec.query_wait_timeout, spec.reserve_pool_size, spec.reserve_pool_timeout);
      instances_.push_back(std::move(inst));
    }
  }

  int instances() const override { return static_cast<int>(instances_.size()); }

  bool instance_up(int i) const override { return instances_[i].host->up(); }

  void handle(sim::Visit v) override {
    // Clients reach the instances that are up (a Service or VIP in front drops dead ones).
    int tries = 0;
    while (!instances_[next_].host->up() && tries++ < instances())
      next_ = (next_ + 1) % instances();
    Instance& inst = instances_[next_];
    next_ = (next_ + 1) % instances();
    if (!inst.host->up()) {
      v.done(sim::Outcome::failure("pgbouncer down"));
      return;
    }
    inst.loop->acquire([this, &inst, v = std::move(v)](sim::WorkerPool::Result) mutable {
      inst.host->compute(cpu_(ctx_.rng), [this, &inst, v = std::move(v)](bool ok) mutable {
        inst.loop->release();
        if (!ok) {
          v.done(sim::Outcome::failure("pgbouncer down"));
          return;
        }
        take_connection(inst, std::move(v));
      });
    });
  }

  bool supports(sim::FaultKind) const override { return true; }
  void fault(int i, sim::Fault f) override {
    sim::Host& host = *instances_[i].host;
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        host.turn_off();
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        host.turn_on();
        break;
      case sim::FaultKind::slow:
        host.set_slowdown(f.factor);
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& i : instances_) {
      i.pool->reset_stats(now);
      i.loop->reset_stats(now);
      i.host->reset_stats(now);
    }
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double cpu = 0, pool = 0, served = 0, wait = 0, waited = 0, timeouts = 0, refused = 0,
           reserve = 0;
    for (const auto& i : instances_) {
      cpu = std::max(cpu, i.host->utilisation(now));
      pool = std::max(pool, i.pool->utilisation(now));
      served += i.pool->granted();
      wait += i.pool->mean_wait() * i.pool->granted();
      waited += i.pool->waited();
      timeouts += i.pool->timed_out();
      refused += i.pool->rejected();
      reserve += i.pool->reserve_granted();
      r.mean_queue += i.pool->mean_queue(now);
      r.max_queue = std::max(r.max_queue, i.pool->max_queue());
    }
    r.utilisation = std::max(cpu, pool);
    r.service_utilisation = cpu;  // server connections are held while postgres works
    r.mean_wait = served > 0 ? wait / served : 0;
    r.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    r.extra["cpu_utilisation"] = cpu;
    r.extra["pool_utilisation"] = pool;
    r.extra["pool_waits"] = waited;
    r.extra["query_wait_timeouts"] = timeouts;
    r.extra["refused"] = refused;
    r.turned_away = refused + timeouts;
    r.extra["reserve_used"] = reserve;
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    double busy = 0, waiting = 0;
    for (const auto& i : instances_) {
      busy += i.pool->busy();
      waiting += static_cast<double>(i.pool->waiting());
    }
    out.emplace_back("server_connections_busy", busy);
    out.emplace_back("clients_waiting", waiting);
  }

 private:
  struct Instance {
    sim::Host* host;
    std::unique_ptr<sim::WorkerPool> loop;  // the single thread
    std::unique_ptr<sim::WorkerPool> pool;  // default_pool_size + reserve_pool_size connections
  };

  void take_connection(Instance& inst, sim::Visit v) {
    // Session mode: the client keeps its server connection until its session ends (the worker
    // serving the request is released); a session that has one already uses it.
    sim::Session* session = session_mode_ ? v.request->session : nullptr;
    if (session) {
      for (const auto& [holder, pool] : session->held)
        if (holder == this && pool == index_of(inst)) {
          query(v, nullptr);
          return;
        }
    }
    inst.pool->acquire([this, &inst, session, v = std::move(v)](sim::WorkerPool::Result r) {
      if (r == sim::WorkerPool::Result::QueueFull) {
        v.done(sim::Outcome::failure("max_client_conn reached"));
      } else if (r == sim::WorkerPool::Result::TimedOut) {
        v.done(sim::Outcome::failure("query_wait_timeout"));
      } else if (session && v.request->session == session) {
        session->held.emplace_back(this, index_of(inst));
        session->on_end.push_back([&inst] { inst.pool->release(); });
        query(v, nullptr);
      } else {
        query(v, inst.pool.get());  // transaction (and statement) mode: for this query only
      }
    });
  }

  // Runs the query on the server; `release` (if any) gets its connection back afterwards.
  // A server that is down fails the login: then "new clients get an error immediately until the
  // retry" after server_login_retry (config.md, default 15 s); reads and writes reach different
  // servers (the primary, the replicas), so each has its own retry clock.
  void query(const sim::Visit& v, sim::WorkerPool* release) {
    LoginState& login = login_[v.call->write ? 1 : 0];
    double now = ctx_.engine.now();
    if (now < login.failed_until) {
      if (release) release->release();
      v.done(
          sim::Outcome::failure("pgbouncer: server login failed, waiting for server_login_retry"));
      return;
    }
    ctx_.flow.visit(server_, sim::Visit{v.request, v.call,
                                        [this, &login, release, done = v.done](sim::Outcome o) {
                                          if (release) release->release();
                                          note_login(login, o);
                                          done(o);
                                        }});
  }

  struct LoginState {
    double failed_until = -1;
    bool failing = false;
    const char* what;
  };
  void note_login(LoginState& login, const sim::Outcome& o) {
    double now = ctx_.engine.now();
    if (!o.ok && o.cause && std::string_view(o.cause) == kDatabaseDown) {
      if (now >= login.failed_until) {
        login.failed_until = now + spec_.server_login_retry;
        if (!login.failing)
          ctx_.timeline->note(ctx_.name(), "login failed",
                              std::string(login.what) +
                                  " server down: new clients get errors until "
                                  "server_login_retry (" +
                                  fmt_seconds(spec_.server_login_retry) + ")");
        login.failing = true;
      }
    } else if (o.ok && login.failing) {
      login.failing = false;
      ctx_.timeline->note(ctx_.name(), "clients reconnected",
                          std::string(login.what) + " server connections work again");
    }
  }
  LoginState login_[2] = {{-1, false, "read"}, {-1, false, "write"}};

  int index_of(const Instance& inst) const {
    for (std::size_t i = 0; i < instances_.size(); ++i)
      if (&instances_[i] == &inst) return static_cast<int>(i);
    return -1;
  }

  sim::ModelContext ctx_;
  PgBouncerParams spec_;
  sim::Sampler cpu_;
  int server_;
  bool session_mode_ = spec_.pool_mode == "session";
  std::deque<Instance> instances_;
  int next_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_pgbouncer(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<PgBouncer>(c, c.as<PgBouncerParams>(), ctx);
}

}  // namespace capsim::models
