#include "analysis/graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/strong_components.hpp>
#include <cstddef>
#include <deque>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include "config/json_reader.hpp"
#include "models/common.hpp"
#include "models/registry.hpp"

namespace capsim::analysis {
namespace {

using config::Call;
using config::Component;
using config::Topology;
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Node, Relation>;
using GraphEdge = boost::graph_traits<Graph>::edge_descriptor;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

using config::child_pointer;

std::string component_pointer(const std::string& name) {
  return child_pointer("/components", name);
}

int index_of(const Topology& t, const std::string& name) {
  for (std::size_t i = 0; i < t.components.size(); ++i)
    if (t.components[i].name == name) return static_cast<int>(i);
  return -1;
}

// What component i's settings refer to (a load balancer's upstream, a pooler's server, a queue's
// broker), as its kind says.
std::vector<config::Reference> references(const Component& c) {
  const models::Kind* kind = models::find(c.kind);
  if (!kind || !c.params || !kind->syntax.references) return {};
  return kind->syntax.references(c);
}

// The component in front of component `i` (a load balancer before its upstream), or -1: requests
// to `i` enter through it.
int front_of(const Topology& t, int i) {
  if (i < 0) return -1;
  for (std::size_t k = 0; k < t.components.size(); ++k)
    for (const auto& ref : references(t.components[k]))
      if (ref.fronts && ref.name == t.components[static_cast<std::size_t>(i)].name)
        return static_cast<int>(k);
  return -1;
}

// What calls to component `i` take, as its kind says (none for an unknown kind).
config::CallRules call_rules(const Topology& t, int i) {
  if (i < 0) return {};
  const models::Kind* kind = models::find(t.components[static_cast<std::size_t>(i)].kind);
  return kind ? kind->syntax.calls : config::CallRules{};
}
bool takes_jobs(const Topology& t, int i) {
  return call_rules(t, i).enqueue;
}
bool takes_queries(const Topology& t, int i) {
  return call_rules(t, i).query;
}

int job_index(const Topology& t, const std::string& name) {
  for (std::size_t i = 0; i < t.jobs.size(); ++i)
    if (t.jobs[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

using models::plural;

// ---- the graph ------------------------------------------------------------------------------

class Builder {
 public:
  explicit Builder(const Topology& t) : t_(t) {
    for (const auto& c : t.components)
      boost::add_vertex(Node{NodeType::Component, c.name, c.kind}, g_);
    for (const auto& r : t.requests)
      boost::add_vertex(Node{NodeType::Request, r.name, "request"}, g_);
    for (const auto& j : t.jobs) boost::add_vertex(Node{NodeType::Job, j.name, "job"}, g_);

    for (std::size_t i = 0; i < t.components.size(); ++i) {
      const Component& c = t.components[i];
      std::string ptr = component_pointer(c.name);
      auto link = [&](const std::string& target, const std::string& relation) {
        int to = index_of(t, target);
        if (to >= 0) edge(static_cast<int>(i), to, relation, ptr + "/" + relation);
      };
      for (const auto& ref : references(c)) link(ref.name, ref.key);
    }
    int base = static_cast<int>(t.components.size());
    for (std::size_t i = 0; i < t.requests.size(); ++i)
      calls(base + static_cast<int>(i), t.requests[i].calls, "calls", true);
    base += static_cast<int>(t.requests.size());
    for (std::size_t i = 0; i < t.jobs.size(); ++i)
      calls(base + static_cast<int>(i), t.jobs[i].calls, "calls");
  }

  Graph take() { return g_; }

 private:
  void edge(int from, int to, const std::string& relation, const std::string& pointer) {
    if (seen_.emplace(from, to, relation).second)
      boost::add_edge(static_cast<Vertex>(from), static_cast<Vertex>(to),
                      Relation{relation, pointer}, g_);
  }

  // `entry`: the top-level calls of a request class, which enter through a load balancer in front
  // of their target (the simulator routes them the same way).
  void calls(int caller, const std::vector<Call>& cs, const char* relation, bool entry = false) {
    for (const Call& c : cs) {
      int to = index_of(t_, c.to);
      if (to >= 0 && entry && front_of(t_, to) >= 0 && c.enqueue.empty()) {
        edge(caller, front_of(t_, to), relation, c.pointer);
      } else if (to >= 0) {
        if (!c.enqueue.empty()) {
          edge(caller, to, "enqueue", c.pointer);
          int job = job_index(t_, c.enqueue);
          if (job >= 0) {
            int jv = static_cast<int>(t_.components.size() + t_.requests.size()) + job;
            edge(to, jv, "runs", c.pointer);
          }
        } else {
          edge(caller, to, relation, c.pointer);
        }
      }
      calls(caller, c.on_miss, "miss");  // the caller runs the miss path, not the cache
      if (to >= 0) {
        calls(to, c.calls, "calls");
        calls(to, c.parallel, "calls");
      }
    }
  }

  const Topology& t_;
  Graph g_;
  std::set<std::tuple<int, int, std::string>> seen_;
};

// ---- what each request class and job needs ----------------------------------------------------

struct Needs {
  std::set<int> components;
  std::map<int, std::set<std::string>> queries;  // component -> query kinds sent to it
};

// `i` and what it cannot work without: everything its settings refer to (a load balancer's
// upstream, a pooler's server, a queue's broker).
void add_with_dependencies(const Topology& t, int i, Needs& n) {
  if (i < 0 || !n.components.insert(i).second) return;
  for (const auto& ref : references(t.components[static_cast<std::size_t>(i)]))
    add_with_dependencies(t, index_of(t, ref.name), n);
}

void walk(const Topology& t, const std::vector<Call>& cs, Needs& n, bool entry = false) {
  for (const Call& c : cs) {
    int to = index_of(t, c.to);
    if (to >= 0 && entry && c.enqueue.empty()) add_with_dependencies(t, front_of(t, to), n);
    if (to >= 0) {
      const Component& target = t.components[static_cast<std::size_t>(to)];
      if (!c.enqueue.empty() && takes_jobs(t, to)) {
        // Enqueueing writes to the broker; the workers only matter to the job.
        for (const auto& ref : references(target))
          if (ref.needed_to_enqueue) add_with_dependencies(t, index_of(t, ref.name), n);
      } else {
        add_with_dependencies(t, to, n);
        // Which queries each database gets, through a pooler or directly.
        for (const auto& ref : references(target))
          if (int server = index_of(t, ref.name); ref.forwards_queries && takes_queries(t, server))
            n.queries[server].insert(c.query);
        if (takes_queries(t, to)) n.queries[to].insert(c.query);
      }
    }
    walk(t, c.on_miss, n);
    walk(t, c.calls, n);
    walk(t, c.parallel, n);
  }
}

void collect_enqueues(const Topology& t, const std::vector<Call>& cs,
                      std::map<std::string, std::set<int>>& out) {
  for (const Call& c : cs) {
    int to = index_of(t, c.to);
    if (!c.enqueue.empty() && takes_jobs(t, to)) out[c.enqueue].insert(to);
    collect_enqueues(t, c.on_miss, out);
    collect_enqueues(t, c.calls, out);
    collect_enqueues(t, c.parallel, out);
  }
}

// ---- single points of failure -----------------------------------------------------------------

using models::Spof;

std::optional<Spof> spof_of(const Component& c) {
  const models::Kind* kind = models::find(c.kind);
  if (!kind || !c.params || !kind->spof) return std::nullopt;
  return kind->spof(c);
}

long long instance_count(const Component& c) {
  const models::Kind* kind = models::find(c.kind);
  if (!kind || !c.params || !kind->instances) return 1;
  return kind->instances(c);
}

// ---- everything computed once -----------------------------------------------------------------

struct Model {
  const Topology& t;
  Graph g;
  std::size_t n = 0, r = 0, j = 0;                 // components, request classes, jobs
  std::vector<Needs> needs;                        // request classes then jobs
  std::vector<bool> reached;                       // per vertex: from any request class or job
  std::vector<bool> reached_by_request;            // per vertex: from a request class
  std::map<std::string, std::set<int>> enqueuers;  // job -> worker queues it is enqueued on

  explicit Model(const Topology& topo) : t(topo), g(Builder(topo).take()) {
    n = t.components.size();
    r = t.requests.size();
    j = t.jobs.size();
    for (const auto& rc : t.requests) collect_enqueues(t, rc.calls, enqueuers);
    for (const auto& job : t.jobs) collect_enqueues(t, job.calls, enqueuers);

    for (const auto& rc : t.requests) {
      Needs nd;
      walk(t, rc.calls, nd, true);
      needs.push_back(std::move(nd));
    }
    for (const auto& job : t.jobs) {
      Needs nd;
      walk(t, job.calls, nd);
      // The job needs whatever every queue it is enqueued on needs (the queue and its broker).
      auto it = enqueuers.find(job.name);
      if (it != enqueuers.end()) {
        std::optional<std::set<int>> common;
        for (int q : it->second) {
          Needs qn;
          add_with_dependencies(t, q, qn);
          if (!common) {
            common = qn.components;
          } else {
            std::set<int> both;
            std::set_intersection(common->begin(), common->end(), qn.components.begin(),
                                  qn.components.end(), std::inserter(both, both.end()));
            common = std::move(both);
          }
        }
        if (common) nd.components.insert(common->begin(), common->end());
      }
      needs.push_back(std::move(nd));
    }

    reached = reach(0, r + j);
    reached_by_request = reach(0, r);
  }

  // Vertices reachable from roots [first, last) (0 = first request class).
  std::vector<bool> reach(std::size_t first, std::size_t last) const {
    std::vector<bool> seen(boost::num_vertices(g), false);
    std::deque<Vertex> todo;
    for (std::size_t i = first; i < last; ++i) {
      seen[n + i] = true;
      todo.push_back(n + i);
    }
    while (!todo.empty()) {
      Vertex v = todo.front();
      todo.pop_front();
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        Vertex w = boost::target(*e, g);
        if (!seen[w]) {
          seen[w] = true;
          todo.push_back(w);
        }
      }
    }
    return seen;
  }

  std::string root_name(std::size_t i) const {
    return i < r ? t.requests[i].name : "job:" + t.jobs[i - r].name;
  }

  std::string vertex_name(Vertex v) const {
    const Node& node = g[v];
    return node.type == NodeType::Job ? "job:" + node.name : node.name;
  }

  // Roots that fail when `spof` strikes component i.
  std::vector<std::size_t> broken_by(int i, const Spof& spof) const {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < needs.size(); ++k) {
      if (!needs[k].components.count(i)) continue;
      if (spof.breaks) {
        auto q = needs[k].queries.find(i);
        if (q == needs[k].queries.end()) continue;  // only needed by something else: not routed
        if (!spof.breaks(q->second)) continue;
      }
      out.push_back(k);
    }
    return out;
  }

  std::string fails_phrase(const std::vector<std::size_t>& roots) const {
    std::vector<std::string> reqs, jobs;
    for (std::size_t k : roots)
      (k < r ? reqs : jobs).push_back(k < r ? t.requests[k].name : t.jobs[k - r].name);
    std::vector<std::string> parts;
    if (!reqs.empty())
      parts.push_back((reqs.size() == 1 ? "request " : "requests ") + join(reqs, ", "));
    if (!jobs.empty()) parts.push_back((jobs.size() == 1 ? "job " : "jobs ") + join(jobs, ", "));
    return join(parts, " and ");
  }

  // The zone all of component i's instances sit in, when the topology has several zones.
  std::optional<std::string> confined_zone(std::size_t i) const {
    const Component& c = t.components[i];
    if (t.zones.size() < 2 || c.zones.empty()) return std::nullopt;
    for (const auto& z : c.zones)
      if (z != c.zones.front()) return std::nullopt;
    return c.zones.front();
  }

  // A shortest cycle through `start` that stays within vertices for which `inside` holds.
  template <class Inside>
  std::vector<GraphEdge> cycle_through(Vertex start, Inside inside) const {
    std::vector<std::optional<GraphEdge>> via(boost::num_vertices(g));
    std::vector<bool> seen(boost::num_vertices(g), false);
    std::deque<Vertex> todo{start};
    seen[start] = true;
    while (!todo.empty()) {
      Vertex v = todo.front();
      todo.pop_front();
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        Vertex w = boost::target(*e, g);
        if (!inside(w)) continue;
        if (w == start) {
          std::vector<GraphEdge> path{*e};
          for (Vertex u = v; u != start; u = boost::source(*via[u], g)) path.push_back(*via[u]);
          std::reverse(path.begin(), path.end());
          return path;
        }
        if (!seen[w]) {
          seen[w] = true;
          via[w] = *e;
          todo.push_back(w);
        }
      }
    }
    return {};
  }

  std::string cycle_text(const std::vector<GraphEdge>& path) const {
    std::string s = vertex_name(boost::source(path.front(), g));
    for (const GraphEdge& e : path) s += " -> " + vertex_name(boost::target(e, g));
    return s;
  }

  std::vector<Finding> cycles() const {
    std::vector<Finding> out;
    // Synchronous dependencies: the edges among components.
    using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
    Digraph cg(n);
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
      auto s = boost::source(*e, g), d = boost::target(*e, g);
      if (s < n && d < n) boost::add_edge(s, d, cg);
    }
    std::vector<int> comp(n);
    if (n > 0) boost::strong_components(cg, comp.data());
    std::set<int> done;
    for (std::size_t v = 0; v < n; ++v) {
      if (done.count(comp[v])) continue;
      auto inside = [&](Vertex w) { return w < n && comp[w] == comp[v]; };
      std::vector<GraphEdge> path = cycle_through(v, inside);
      if (path.empty()) continue;  // a lone vertex without a self-call
      done.insert(comp[v]);
      std::string ptr = g[path.back()].pointer;
      if (ptr.empty()) ptr = component_pointer(t.components[v].name);
      out.push_back({"error", ptr, "call cycle: " + cycle_text(path)});
    }

    // Asynchronous: a job whose calls lead back to a queue that runs it.
    std::vector<int> all(boost::num_vertices(g));
    if (!all.empty()) boost::strong_components(g, all.data());
    std::set<int> jobs_done;
    for (std::size_t k = 0; k < j; ++k) {
      Vertex v = n + r + k;
      if (jobs_done.count(all[v])) continue;
      std::vector<GraphEdge> path = cycle_through(v, [&](Vertex w) { return all[w] == all[v]; });
      if (path.empty()) continue;
      jobs_done.insert(all[v]);
      out.push_back(
          {"warning", child_pointer("/jobs", t.jobs[k].name),
           "job \"" + t.jobs[k].name +
               "\" can enqueue itself again (an asynchronous cycle): " + cycle_text(path)});
    }
    return out;
  }

  std::vector<std::size_t> cut_vertex_indices() const {
    using Ugraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    Ugraph ug(boost::num_vertices(g));
    std::set<std::pair<Vertex, Vertex>> seen;
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
      auto a = boost::source(*e, g), b = boost::target(*e, g);
      if (a == b) continue;
      if (seen.emplace(std::min(a, b), std::max(a, b)).second) boost::add_edge(a, b, ug);
    }
    std::vector<Vertex> points;
    boost::articulation_points(ug, std::back_inserter(points));
    std::vector<std::size_t> out;
    for (Vertex v : points)
      if (v < n && reached_by_request[v]) out.push_back(v);
    std::sort(out.begin(), out.end());
    return out;
  }
};

// ---- DOT ----------------------------------------------------------------------------------------

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string quoted(const std::string& s) {
  return "\"" + dot_escape(s) + "\"";
}

// A multi-line label: each part escaped, joined by DOT's "\n" line break.
std::string label(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\\n") + dot_escape(l);
  return "\"" + out + "\"";
}

std::string vertex_id(const Node& node) {
  switch (node.type) {
    case NodeType::Request:
      return quoted("request:" + node.name);
    case NodeType::Job:
      return quoted("job:" + node.name);
    case NodeType::Component:
      break;
  }
  return quoted("component:" + node.name);
}

std::string format_number(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

}  // namespace

DependencyGraph build_graph(const Topology& t) {
  Graph g = Builder(t).take();
  DependencyGraph out;
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) out.nodes.push_back(g[v]);
  for (auto [e, end] = boost::edges(g); e != end; ++e)
    out.edges.push_back({boost::source(*e, g), boost::target(*e, g), g[*e]});
  return out;
}

std::string spof_note(const Component& c) {
  auto s = spof_of(c);
  return s ? s->note : "";
}

std::string instance_summary(const Component& c) {
  std::string kind = c.kind.empty() ? "component" : c.kind;
  std::string s = kind + " x " + std::to_string(instance_count(c));
  const models::Kind* k = models::find(c.kind);
  std::string detail = k && c.params && k->detail ? k->detail(c) : "";
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}

std::vector<Finding> analyse(const Topology& t) {
  Model m(t);
  std::vector<Finding> out = m.cycles();

  for (std::size_t i = 0; i < m.n; ++i)
    if (!m.reached[i])
      out.push_back(
          {"warning", component_pointer(t.components[i].name),
           "component \"" + t.components[i].name + "\" is not reached by any request or job"});
  for (const auto& job : t.jobs)
    if (!m.enqueuers.count(job.name))
      out.push_back({"warning", child_pointer("/jobs", job.name),
                     "job \"" + job.name + "\" is never enqueued by any request or job"});

  for (std::size_t i = 0; i < m.n; ++i) {
    const Component& c = t.components[i];
    std::string ptr = component_pointer(c.name);
    if (auto spof = spof_of(c)) {
      auto broken = m.broken_by(static_cast<int>(i), *spof);
      if (!broken.empty()) {
        out.push_back({"warning", ptr,
                       "single point of failure: \"" + c.name + "\" (" + spof->note + ") — " +
                           spof->losing + " fails " + m.fails_phrase(broken)});
        continue;
      }
    }
    if (auto zone = m.confined_zone(i)) {
      auto broken = m.broken_by(static_cast<int>(i), Spof{});
      if (!broken.empty())
        out.push_back({"warning", ptr,
                       "single point of failure: \"" + c.name + "\" (" +
                           plural(instance_count(c), "instance", "instances") + ", all in zone \"" +
                           *zone + "\") — losing zone " + *zone + " fails " +
                           m.fails_phrase(broken)});
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> blast_radius(const Topology& t) {
  Model m(t);
  std::map<std::string, std::vector<std::string>> out;
  for (std::size_t i = 0; i < m.n; ++i) {
    auto& list = out[t.components[i].name];
    for (std::size_t k = 0; k < m.needs.size(); ++k)
      if (m.needs[k].components.count(static_cast<int>(i))) list.push_back(m.root_name(k));
  }
  return out;
}

std::vector<std::string> cut_vertices(const Topology& t) {
  Model m(t);
  std::vector<std::string> out;
  for (std::size_t i : m.cut_vertex_indices()) out.push_back(t.components[i].name);
  return out;
}

std::string to_dot(const Topology& t) {
  Model m(t);
  auto cuts = m.cut_vertex_indices();
  std::ostringstream os;
  os << "digraph " << quoted(t.name.empty() ? "topology" : t.name) << " {\n";
  os << "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label="
     << quoted((t.name.empty() ? std::string("topology") : t.name) + " — dependency graph")
     << "];\n";
  os << "  node [fontname=\"Helvetica\", fontsize=11];\n";
  os << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";

  for (std::size_t i = 0; i < m.n; ++i) {
    const Component& c = t.components[i];
    std::vector<std::string> lines{c.name, instance_summary(c)};
    std::vector<std::string> radius;
    for (std::size_t k = 0; k < m.needs.size(); ++k)
      if (m.needs[k].components.count(static_cast<int>(i))) radius.push_back(m.root_name(k));

    bool red = false;
    if (auto spof = spof_of(c); spof && !m.broken_by(static_cast<int>(i), *spof).empty()) {
      lines.push_back("SPOF: " + spof->note);
      red = true;
    } else if (auto zone = m.confined_zone(i);
               zone && !m.broken_by(static_cast<int>(i), Spof{}).empty()) {
      lines.push_back("SPOF: all in zone " + *zone);
      red = true;
    }
    bool cut = std::find(cuts.begin(), cuts.end(), i) != cuts.end();
    std::string tooltip = "blast radius: " + (radius.empty() ? "none" : join(radius, ", "));
    if (cut) tooltip += "; cut vertex: every path between its neighbours runs through it";

    if (!m.reached[i]) lines.push_back("not reached");
    os << "  " << vertex_id(m.g[i]) << " [shape=box, label=" << label(lines);
    if (!m.reached[i]) {
      os << ", style=\"rounded,dashed\", color=\"#888888\", fontcolor=\"#888888\"";
    } else if (red) {
      os << ", style=\"rounded,filled\", fillcolor=\"#f7c6c5\", color=\"#b3261e\"";
    } else {
      os << ", style=\"rounded,filled\", fillcolor=\"#eef2f7\"";
    }
    if (cut || red) os << ", penwidth=2";
    os << ", tooltip=" << quoted(tooltip) << "];\n";
  }
  for (std::size_t k = 0; k < m.r; ++k) {
    const auto& rc = t.requests[k];
    os << "  " << vertex_id(m.g[m.n + k]) << " [shape=ellipse, style=filled, fillcolor=\"#d7e8fb\""
       << ", label=" << label({rc.name, "request, share " + format_number(rc.share)}) << "];\n";
  }
  for (std::size_t k = 0; k < m.j; ++k) {
    const auto& job = t.jobs[k];
    os << "  " << vertex_id(m.g[m.n + m.r + k])
       << " [shape=diamond, style=filled, fillcolor=\"#fdebc8\", label=" << label({job.name, "job"})
       << "];\n";
  }

  // One arrow per (source, target), labelled with every relation between them.
  std::vector<std::pair<Vertex, Vertex>> order;
  std::map<std::pair<Vertex, Vertex>, std::vector<std::string>> relations;
  for (auto [e, end] = boost::edges(m.g); e != end; ++e) {
    auto key = std::make_pair(boost::source(*e, m.g), boost::target(*e, m.g));
    auto& rel = relations[key];
    if (rel.empty()) order.push_back(key);
    rel.push_back(m.g[*e].relation);
  }
  for (const auto& key : order) {
    const auto& rel = relations[key];
    os << "  " << vertex_id(m.g[key.first]) << " -> " << vertex_id(m.g[key.second])
       << " [label=" << quoted(join(rel, ", "));
    auto all = [&](auto pred) { return std::all_of(rel.begin(), rel.end(), pred); };
    if (all([](const std::string& x) { return x == "enqueue" || x == "runs"; }))
      os << ", style=dashed";
    else if (all([](const std::string& x) { return x == "miss"; }))
      os << ", style=dotted";
    os << "];\n";
  }
  os << "}\n";
  return os.str();
}

}  // namespace capsim::analysis
