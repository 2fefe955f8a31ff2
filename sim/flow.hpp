// Walks a request's call tree: sequential calls, parallel fan-out with a join, cache misses, and
// the network hop of every call. Components call back into it to run their nested calls while they
// hold a worker, which is how synchronous calls hold the caller's resources.
#pragma once

#include <memory>
#include <vector>

#include "sim/component.hpp"

namespace capsim::sim {

class Flow {
 public:
  Flow(Engine& engine, const Blueprint& system,
       std::vector<std::unique_ptr<Component>>& components);

  // Requests enter through whatever fronts their first hop (a load balancer before its upstream).
  void set_front(int target, int front) { front_[target] = front; }
  void run_request(Request* request, const std::vector<CallPlan>& calls, Continuation done);
  void run_sequence(Request* request, const std::vector<CallPlan>& calls, Continuation done);
  // The nested calls of `call`: its `calls` in order, then its `parallel` ones at once.
  void run_nested(Request* request, const CallPlan& call, Continuation done);
  // One hop to `target` and back, with the network's latency each way.
  void visit(int target, Visit v);

 private:
  void run_from(Request* request, const std::vector<CallPlan>* calls, std::size_t i, bool entry,
                Continuation done);
  void run_parallel(Request* request, const std::vector<CallPlan>& calls, Continuation done);
  Engine& engine_;
  std::vector<std::unique_ptr<Component>>& components_;
  std::vector<int> front_;
  double one_way_ = 0;
};

}  // namespace capsim::sim
