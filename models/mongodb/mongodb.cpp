// mongodb: a replica set of `members`, each a machine whose CPUs are processor-shared by the
// operations running on it, at most `max_connections` at once. Writes go to the primary; reads
// follow the read preference (docs: read-preference): the primary by default, else the
// secondaries (secondary, secondaryPreferred), any member (nearest), or the secondaries only while
// there is no primary (primaryPreferred). A write's acknowledgment waits for the members its write
// concern needs: with w: "majority" (the default since MongoDB 5.0) one round trip to the
// secondaries, holding the connection; with too few members up for it, the write waits until
// enough are back.
//
// Failover (docs/SEMANTICS.md 2.12; docs: replica-set-elections). Members heartbeat each other
// every heartbeat_interval (2 s); a secondary's election timer runs election_timeout (10 s) from
// the last time it heard from the primary, plus a random offset of up to 15% of it
// (mongo_election_start). When the primary dies, the first secondary whose timer fires stands for
// election and wins with the votes of a majority of all members (so a set that has lost its
// majority elects nobody); the vote takes two round trips (a dry run, then the real one) and the
// new primary is writable after its catch-up and drain, assumed 100 ms when it is the most
// up-to-date member. "The median time before a cluster elects a new primary should not typically
// exceed 12 seconds" with the defaults; this mechanism gives 10-11.5 s after the last heartbeat.
//
// The drivers are part of it (the server-selection and retryable-writes specifications): an
// operation that finds no primary waits for one, up to server_selection_timeout (30 s), and the
// drivers look for it every 500 ms meanwhile (minHeartbeatFrequencyMS); an operation that fails
// on the dead primary (a network error) is retried once (retryWrites, retryReads). So a failover
// within the timeout shows as slow requests rather than errors. With w: 1, writes the dead
// primary acknowledged within one round trip (never less than 1 ms) had not reached a secondary:
// they are rolled back when it rejoins (lost); with w: "majority" nothing acknowledged is lost.
#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>
#include <vector>

#include "models/common.hpp"
#include "models/mongodb/params.hpp"
#include "models/mongodb/rules.hpp"

namespace capsim::models {
namespace {

constexpr const char* kNoPrimary = "mongodb: no primary within serverSelectionTimeoutMS";
constexpr const char* kConnectionReset = "mongodb: connection reset";
constexpr double kBecomePrimary = 0.1;  // assumed: catch-up and drain of an up-to-date member
constexpr double kDriverRecheck = 0.5;  // minHeartbeatFrequencyMS: drivers' rescan while waiting

class MongoDb final : public sim::Component {
 public:
  MongoDb(const config::Component& c, const MongoParams& spec, sim::ModelContext& ctx)
      : ctx_(ctx),
        spec_(spec),
        rtt_(std::max(ctx.system.network.rtt, 0.001)),
        protocol_(ctx.rng.next() ^ 0x3c6ef372fe94f82bULL) {
    int vcpus = c.vcpus > 0 ? c.vcpus : 2;
    for (int i = 0; i < spec.members; ++i) {
      Member m;
      m.host =
          &ctx.engine.add_host(c.name + "[" + std::to_string(i) + "]", vcpus, spec.max_connections);
      m.connections = std::make_unique<sim::WorkerPool>(ctx.engine, spec.max_connections, 0);
      m.heartbeat_phase = protocol_.uniform() * spec.heartbeat_interval;
      members_.push_back(std::move(m));
    }
    int needed = spec.majority() ? mongo_majority(spec.members) : spec.write_members;
    write_wait_ = needed > 1 ? mongo_write_wait(needed, rtt_) : 0;
    write_needs_ = needed;
  }

  int instances() const override { return static_cast<int>(members_.size()); }
  bool instance_up(int i) const override { return members_[i].up; }

  void handle(sim::Visit v) override { route(std::move(v), false, ctx_.engine.now()); }

  std::vector<sim::Placement> placement() const override {
    std::vector<sim::Placement> out;
    int secondary = 0;
    for (int i = 0; i < instances(); ++i) {
      bool primary = i == primary_ || (primary_ < 0 && i == last_primary_);
      out.push_back({primary ? "primary" : "secondary", primary ? 0 : secondary++, ctx_.zone_of(i),
                     members_[i].up});
    }
    return out;
  }
  bool supports(sim::FaultKind) const override { return true; }
  void fault(int i, sim::Fault f) override {
    switch (f.kind) {
      case sim::FaultKind::kill:
      case sim::FaultKind::partition:
        member_down(i);
        break;
      case sim::FaultKind::restore:
      case sim::FaultKind::heal:
        member_up(i);
        break;
      case sim::FaultKind::slow:
        members_[i].host->set_slowdown(f.factor);
        break;
    }
  }

  void reset_stats(double now) override {
    for (auto& m : members_) m.connections->reset_stats(now);
    waited_ = timed_out_ = retried_ = 0;
  }

  sim::ComponentReport report(double now) const override {
    sim::ComponentReport r;
    r.instances = instances();
    double served = 0;
    for (std::size_t i = 0; i < members_.size(); ++i) {
      const Member& m = members_[i];
      double u = m.host->utilisation(now);
      r.utilisation = std::max(r.utilisation, u);
      served += static_cast<double>(m.connections->granted());
      // Named by the role each member started in (member 0 the primary).
      r.extra[i == 0 ? "primary_cpu" : "secondary" + std::to_string(i - 1) + "_cpu"] = u;
    }
    r.throughput = served / std::max(1e-9, now - ctx_.measure_from);
    for (const Member& m : members_) r.turned_away += m.connections->rejected();
    r.extra["waited_for_primary"] = static_cast<double>(waited_);
    r.extra["server_selection_timeouts"] = static_cast<double>(timed_out_);
    r.extra["retried"] = static_cast<double>(retried_);
    return r;
  }

  void sample(std::vector<sim::Sample>& out, double now) override {
    (void)now;
    const Member* p = primary_ >= 0 ? &members_[primary_] : nullptr;
    out.emplace_back("primary_running", p ? p->host->running() : 0);
    out.emplace_back("waiting_for_primary", static_cast<double>(waiting_.size()));
  }

 private:
  struct Member {
    sim::Host* host = nullptr;
    std::unique_ptr<sim::WorkerPool> connections;
    double heartbeat_phase = 0;  // its heartbeats go out at phase + k x heartbeat_interval
    bool up = true;
    std::deque<double> acknowledged;  // w: 1 writes acknowledged as primary, within one rtt
  };
  struct Waiting {  // an operation waiting for a primary (server selection)
    sim::Visit visit;
    double since;
    bool retried;
  };

  bool reads_anywhere(const sim::Visit& v) const {
    return !v.call->write && spec_.read_preference != "primary" &&
           spec_.read_preference != "primaryPreferred";
  }

  // The next member that is up among those a read may use, round-robin; -1 when none.
  int pick_reader(bool secondaries_only) {
    int n = instances();
    for (int tries = 0; tries < n; ++tries) {
      int i = next_reader_;
      next_reader_ = (next_reader_ + 1) % n;
      if (!members_[i].up || (secondaries_only && i == primary_)) continue;
      return i;
    }
    return -1;
  }

  // To a member the operation may use now, or to wait for one (server selection), counting from
  // `since`, when it first waited.
  void route(sim::Visit v, bool retried, double since) {
    const std::string& pref = spec_.read_preference;
    if (!v.call->write) {
      int reader = -1;
      if (reads_anywhere(v)) reader = pick_reader(pref != "nearest");
      if (pref == "primaryPreferred" && primary_ < 0) reader = pick_reader(true);
      bool fall_back = pref == "secondaryPreferred" || pref == "nearest";
      if (reader >= 0) return serve(reader, std::move(v), retried);
      if (reads_anywhere(v) && !fall_back) return wait_for_member(std::move(v), retried, since);
    }
    if (primary_ < 0) return wait_for_member(std::move(v), retried, since);
    serve(primary_, std::move(v), retried);
  }

  void serve(int i, sim::Visit v, bool retried) {
    Member& m = members_[i];
    m.connections->acquire(
        [this, i, &m, retried, v = std::move(v)](sim::WorkerPool::Result r) mutable {
          if (r != sim::WorkerPool::Result::Granted) {
            v.done(sim::Outcome::failure("too many connections"));
            return;
          }
          double demand = v.call->has_demand ? v.call->demand(ctx_.rng) : 0;
          auto finish = [this, i, &m, retried, v = std::move(v)](bool ok) mutable {
            if (!ok) {
              m.connections->release();
              return failed_on(i, std::move(v), retried);
            }
            if (v.call->write && write_wait_ > 0) return acknowledge(i, std::move(v));
            m.connections->release();
            if (v.call->write) note_write(m);
            v.done(sim::Outcome{});
          };
          if (demand > 0)
            m.host->compute(demand, std::move(finish));
          else
            finish(true);
        });
  }

  // The member died under the operation: the driver retries it once (after server selection), else
  // the client sees the network error.
  void failed_on(int, sim::Visit v, bool retried) {
    bool may_retry = v.call->write ? spec_.retry_writes : spec_.retry_reads;
    if (may_retry && !retried) {
      ++retried_;
      return route(std::move(v), true, ctx_.engine.now());
    }
    v.done(sim::Outcome::failure(kConnectionReset));
  }

  int members_up() const {
    int up = 0;
    for (const auto& m : members_) up += m.up;
    return up;
  }

  // w: "majority" (or w > 1): one round trip to the secondaries, the connection held; with too few
  // members up to acknowledge, the write waits for them.
  void acknowledge(int i, sim::Visit v) {
    if (members_up() < write_needs_) {
      blocked_.push_back({i, std::move(v)});
      return;
    }
    unsigned epoch = epoch_;
    ctx_.engine.after(write_wait_, [this, i, epoch, v = std::move(v)]() mutable {
      members_[i].connections->release();
      if (epoch != epoch_ || !members_[i].up) return failed_on(i, std::move(v), false);
      v.done(sim::Outcome{});
    });
  }

  void note_write(Member& m) {
    if (write_needs_ > 1) return;  // replicated before it was acknowledged
    double now = ctx_.engine.now();
    m.acknowledged.push_back(now);
    while (!m.acknowledged.empty() && m.acknowledged.front() < now - rtt_)
      m.acknowledged.pop_front();
  }

  // ---- server selection --------------------------------------------------------------------

  void wait_for_member(sim::Visit v, bool retried, double since) {
    if (since >= ctx_.engine.now()) ++waited_;  // counted once, when it first waits
    waiting_.push_back({std::move(v), since, retried});
    arm_timeout();
  }

  // One timer for the oldest waiter: operations time out in the order they began waiting.
  void arm_timeout() {
    if (timeout_armed_ || waiting_.empty()) return;
    timeout_armed_ = true;
    ctx_.engine.at(waiting_.front().since + spec_.server_selection_timeout, [this] {
      timeout_armed_ = false;
      double now = ctx_.engine.now();
      while (!waiting_.empty() &&
             waiting_.front().since + spec_.server_selection_timeout <= now + 1e-9) {
        ++timed_out_;
        Waiting w = std::move(waiting_.front());
        waiting_.pop_front();
        w.visit.done(sim::Outcome::failure(kNoPrimary));
      }
      arm_timeout();
    });
  }

  void release_waiting() {
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& w : waiting) route(std::move(w.visit), w.retried, w.since);
  }

  // ---- failover ------------------------------------------------------------------------------

  void member_down(int i) {
    Member& m = members_[i];
    if (!m.up) return;
    m.up = false;
    m.host->turn_off();
    if (i != primary_) return;
    last_primary_ = i;
    primary_ = -1;
    ++epoch_;
    const std::string name = ctx_.name();
    if (write_needs_ <= 1) {
      double now = ctx_.engine.now();
      std::uint64_t lost = 0;
      for (double t : m.acknowledged) lost += t > now - rtt_;
      ctx_.timeline->lost_writes(lost, rtt_);
      ctx_.timeline->note(name, "writes lost",
                          std::to_string(lost) + " writes acknowledged with w: 1 within " +
                              fmt_seconds(rtt_) +
                              " had not reached a secondary: rolled back when it rejoins");
    }
    m.acknowledged.clear();
    for (auto& [member, v] : std::exchange(blocked_, {})) failed_on(member, std::move(v), false);
    schedule_election();
  }

  // Each secondary's election timer, from its last contact with the primary; the first to fire
  // stands.
  void schedule_election() {
    double now = ctx_.engine.now();
    int candidate = -1;
    double start = 0;
    for (int i = 0; i < instances(); ++i) {
      if (!members_[i].up) continue;
      const Member& m = members_[i];
      double phase = m.heartbeat_phase, period = spec_.heartbeat_interval;
      double last_contact = phase + std::floor((now - phase) / period) * period;
      double at = std::max(
          now, mongo_election_start(last_contact, spec_.election_timeout, protocol_.uniform()));
      if (candidate < 0 || at < start) candidate = i, start = at;
    }
    if (candidate < 0) {
      ctx_.timeline->note(ctx_.name(), "no failover", "no member is up to stand for election");
      return;
    }
    unsigned epoch = epoch_;
    ctx_.engine.at(start, [this, epoch, candidate] {
      if (epoch != epoch_ || !members_[candidate].up) return;
      elect(candidate);
    });
  }

  void elect(int candidate) {
    int up = members_up(), needed = mongo_majority(instances());
    ctx_.timeline->note(ctx_.name(), "detected",
                        ctx_.name() + "[" + std::to_string(candidate) +
                            "] has not heard from the primary for electionTimeoutMillis (" +
                            fmt_seconds(spec_.election_timeout) + ") and stands for election");
    if (up < needed) {
      ctx_.timeline->note(ctx_.name(), "no failover",
                          "only " + std::to_string(up) + " of " + std::to_string(instances()) +
                              " members are up: a primary needs the votes of " +
                              std::to_string(needed));
      return;
    }
    unsigned epoch = epoch_;
    ctx_.engine.after(2 * rtt_ + kBecomePrimary, [this, epoch, candidate, up] {
      if (epoch != epoch_ || !members_[candidate].up) return;
      primary_ = candidate;
      ++epoch_;
      ctx_.timeline->note(ctx_.name(), "elected",
                          ctx_.name() + "[" + std::to_string(candidate) + "] wins with " +
                              std::to_string(up) + " of " + std::to_string(instances()) +
                              " votes and is the new primary");
      unsigned now_epoch = epoch_;
      ctx_.engine.after(protocol_.uniform() * kDriverRecheck, [this, now_epoch] {
        if (now_epoch != epoch_) return;
        ctx_.timeline->note(ctx_.name(), "clients reconnected",
                            "the drivers' server selection finds the new primary (they rescan "
                            "every 500 ms while waiting) and the waiting operations go on");
        release_waiting();
      });
    });
  }

  void member_up(int i) {
    Member& m = members_[i];
    if (m.up) return;
    m.up = true;
    m.host->turn_on();
    if (primary_ < 0 && i == last_primary_) {
      // Back before an election: its heartbeats reach the secondaries again; it is still primary.
      primary_ = i;
      ++epoch_;
      ctx_.timeline->note(ctx_.name(), "recovered", "the primary is back before any election");
      release_waiting();
    } else {
      ctx_.timeline->note(ctx_.name(), "rejoined",
                          ctx_.name() + "[" + std::to_string(i) + "] rejoins as a secondary");
      if (!waiting_.empty()) release_waiting();  // reads that may use a secondary
    }
    if (members_up() >= write_needs_) {
      for (auto& [member, v] : std::exchange(blocked_, {})) acknowledge(member, std::move(v));
    }
  }

  sim::ModelContext ctx_;
  MongoParams spec_;
  double rtt_;
  sim::Rng protocol_;  // failover timings, apart from the component's own stream
  std::deque<Member> members_;
  int primary_ = 0, last_primary_ = 0;
  unsigned epoch_ = 0;  // bumped at each change of primary; stale timers check it
  int next_reader_ = 1;
  double write_wait_ = 0;
  int write_needs_ = 1;
  std::deque<Waiting> waiting_;
  bool timeout_armed_ = false;
  std::vector<std::pair<int, sim::Visit>> blocked_;  // writes waiting for enough members
  std::uint64_t waited_ = 0, timed_out_ = 0, retried_ = 0;
};

}  // namespace

std::unique_ptr<sim::Component> make_mongodb(const config::Component& c, sim::ModelContext& ctx) {
  return std::make_unique<MongoDb>(c, c.as<MongoParams>(), ctx);
}

}  // namespace capsim::models
