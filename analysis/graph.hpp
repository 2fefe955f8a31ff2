// The topology's dependency graph (Boost.Graph) and what it says about failures: call cycles,
// components nothing reaches, single points of failure, and each component's blast radius.
//
// Vertices: one per component (file order), then one per request class (the clients' entry
// points), then one per job. Edges, each labelled by its relation:
//   "calls"    caller -> call target. The caller of a top-level call is the request class (or
//              job); the caller of a nested `calls` / `parallel` call is the outer call's target.
//   "miss"     caller -> `on_miss` target: the miss path runs in the component that made the
//              cache call, not in the cache.
//   "enqueue"  caller -> worker_queue (a call with `enqueue`).
//   "runs"     worker_queue -> job vertex, for every job enqueued on it; the job vertex then has
//              "calls" edges to its own call targets.
//   "upstream" load_balancer -> upstream; "server" pgbouncer -> postgres; "broker"
//              worker_queue -> redis.
// Duplicate (source, target, relation) edges are merged; each edge keeps the JSON pointer of
// the first place that made it.
//
// References are checked by the topology reader (unknown names, kinds that do not fit); here a
// call or reference to an unknown component is ignored.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/topology.hpp"

namespace capsim::analysis {

enum class NodeType { Component, Request, Job };

struct Node {
  NodeType type = NodeType::Component;
  std::string name;
  std::string kind;  // the component's kind; "request" or "job" for the other vertices
};

struct Relation {
  std::string relation;  // calls | miss | enqueue | runs | upstream | server | broker
  std::string pointer;   // JSON pointer of the call or field that made the edge
};

struct Edge {
  std::size_t from, to;  // vertex indices
  Relation relation;
};

// The graph as plain data (analysis/graph.cpp analyses it with Boost.Graph).
struct DependencyGraph {
  std::vector<Node> nodes;  // components[i] is nodes[i]; then requests, then jobs, in file order
  std::vector<Edge> edges;  // in the order they were made
};

DependencyGraph build_graph(const config::Topology& t);

struct Finding {
  std::string severity;  // "error" | "warning"
  std::string pointer;   // RFC 6901 JSON pointer into the topology file
  std::string message;
};

// Graph checks, in this order:
//  - error:   call cycles among components ("call cycle: a -> b -> a"), one per strongly
//             connected component (or self-call), named by one concrete cycle through it;
//  - warning: a job that can enqueue itself again through its calls (an asynchronous cycle);
//  - warning: components that no request class or job reaches; jobs that nothing enqueues;
//  - warning: single points of failure: a component that loses service when one instance
//             (per kind: see spof_note below) fails, and that every path of some request class
//             or job needs; the message names what breaks ("single point of failure: \"pg\"
//             (1 instance) — losing it fails requests read, write");
//  - warning: a multi-instance component that some request class needs and whose instances are
//             all confined to one zone of a multi-zone topology (losing that zone breaks it).
// Cut vertices (see cut_vertices) are not findings on their own: every replicated tier of a
// chain is one, so they would flag every healthy design; to_dot marks them instead.
std::vector<Finding> analyse(const config::Topology& t);

// Why one failed instance takes component `c` out of service, or "" when it does not: e.g.
// "1 instance", "3 nodes, replication_factor 1: each node holds the only copy of its shards".
// For postgres with read replicas but manual failover, only writes (and reads when reads go to
// the primary) are affected; analyse() takes that into account.
std::string spof_note(const config::Component& c);

// "app x 3", "postgres x 3 (primary + 2 replicas)", "station x 1 (4 servers)", ...
std::string instance_summary(const config::Component& c);

// For every component (all of them, file order of the keys aside), the request classes and
// jobs ("job:NAME") that fail when the component is lost entirely: every call of a call tree is
// needed (sequential, parallel and on_miss alike), with each target's own dependencies (a load
// balancer's upstream, a pgbouncer's server, a worker queue's broker). A request's `enqueue`
// needs the queue's broker but not its workers; the job needs the worker_queue, its broker and
// its own calls. Request classes in file order, then jobs.
std::map<std::string, std::vector<std::string>> blast_radius(const config::Topology& t);

// Articulation points of the undirected graph that some request class reaches, file order.
std::vector<std::string> cut_vertices(const config::Topology& t);

// Graphviz DOT of the dependency graph: components as boxes labelled "name\nkind x N", single
// points of failure filled red with a note, unreached components dashed, request classes as
// ellipses, jobs as diamonds, edges labelled by relation; each component's tooltip gives its
// blast radius. Every ID is quoted ("component:NAME", "request:NAME", "job:NAME").
std::string to_dot(const config::Topology& t);

}  // namespace capsim::analysis
