#include "sim/flow.hpp"

#include "sim/blueprint.hpp"
#include "sim/engine.hpp"

namespace capsim::sim {

Flow::Flow(Engine& engine, const Blueprint& system,
           std::vector<std::unique_ptr<Component>>& components)
    : engine_(engine),
      components_(components),
      front_(system.components.size(), -1),
      one_way_(system.network.rtt / 2) {}

void Flow::visit(int target, Visit v) {
  Component& c = *components_[target];
  if (one_way_ <= 0) {
    c.handle(std::move(v));
    return;
  }
  // Request and response each cross the network once.
  v.done = [this, done = std::move(v.done)](Outcome o) {
    engine_.after(one_way_, [done, o] { done(o); });
  };
  engine_.after(one_way_, [&c, v = std::move(v)]() mutable { c.handle(std::move(v)); });
}

void Flow::run_request(Request* request, const std::vector<CallPlan>& calls, Continuation done) {
  run_from(request, &calls, 0, true, std::move(done));
}

void Flow::run_sequence(Request* request, const std::vector<CallPlan>& calls, Continuation done) {
  run_from(request, &calls, 0, false, std::move(done));
}

void Flow::run_from(Request* request, const std::vector<CallPlan>* calls, std::size_t i, bool entry,
                    Continuation done) {
  if (i == calls->size()) {
    done(Outcome{});
    return;
  }
  const CallPlan& call = (*calls)[i];
  int target = call.target;
  if (entry && front_[target] >= 0) target = front_[target];
  visit(target, Visit{request, &call,
                      [this, request, calls, i, entry, done = std::move(done)](Outcome o) mutable {
                        if (!o.ok) {
                          done(o);
                          return;
                        }
                        const CallPlan& c = (*calls)[i];
                        if (o.miss && !c.on_miss.empty()) {
                          // The caller itself runs the miss path (cache-aside), then goes on.
                          run_sequence(request, c.on_miss,
                                       [this, request, calls, i, entry,
                                        done = std::move(done)](Outcome m) mutable {
                                         if (!m.ok)
                                           done(m);
                                         else
                                           run_from(request, calls, i + 1, entry, std::move(done));
                                       });
                          return;
                        }
                        run_from(request, calls, i + 1, entry, std::move(done));
                      }});
}

void Flow::run_parallel(Request* request, const std::vector<CallPlan>& calls, Continuation done) {
  struct Join {
    std::size_t pending;
    Outcome result;
    Continuation done;
  };
  auto join = std::make_shared<Join>(Join{calls.size(), Outcome{}, std::move(done)});
  for (const auto& call : calls) {
    visit(call.target, Visit{request, &call, [this, request, &call, join](Outcome o) {
                               auto finish = [join](Outcome r) {
                                 if (!r.ok && join->result.ok) join->result = r;
                                 if (--join->pending == 0) join->done(join->result);
                               };
                               if (o.ok && o.miss && !call.on_miss.empty())
                                 run_sequence(request, call.on_miss, finish);
                               else
                                 finish(o);
                             }});
  }
}

void Flow::run_nested(Request* request, const CallPlan& call, Continuation done) {
  if (call.calls.empty() && call.parallel.empty()) {
    done(Outcome{});
    return;
  }
  if (call.parallel.empty()) {
    run_sequence(request, call.calls, std::move(done));
    return;
  }
  run_sequence(request, call.calls,
               [this, request, &call, done = std::move(done)](Outcome o) mutable {
                 if (!o.ok)
                   done(o);
                 else
                   run_parallel(request, call.parallel, std::move(done));
               });
}

}  // namespace capsim::sim
