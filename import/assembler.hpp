// The assembly stage's internals, shared by assemble.cpp (recognition, grouping, wiring, config
// files, HPAs) and component_settings.cpp (each kind's settings). Not part of the library's
// interface: include import/assemble.hpp instead.
#pragma once

#include <initializer_list>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "import/assemble.hpp"
#include "import/model.hpp"
#include "import/nginx_conf.hpp"
#include "import/product_configs.hpp"
#include "import/recognise.hpp"
#include "import/wiring.hpp"

namespace capsim::import::detail {

enum class Role { primary, replica, sentinel, client };

// What the import knows about one workload.
struct Info {
  const Workload* w = nullptr;
  Recognition rec;
  std::size_t main = 0;  // the container that makes it what it is
  Role role = Role::primary;
  RedisSettings redis;
  RedisCommand cli;  // redis-cli --cluster create
  long long sidecar_sentinels = 0;
  std::vector<Origin> sidecar_origins;
  std::vector<int> configs;                       // config files mounted in it
  std::optional<Sourced<std::string>> pg_master;  // a Bitnami replica's master host
  bool pg_primary_mode = false;                   // a Bitnami primary (REPLICATION_MODE=master)
  std::optional<Sourced<std::string>> qdrant_bootstrap;

  const Container& container() const { return w->containers[main]; }
  long long count() const { return w->replicas ? w->replicas->value : 1; }
  Origin count_origin() const { return w->replicas ? w->replicas->origin : w->origin; }
};

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int x) { return parent_[x] == x ? x : parent_[x] = find(parent_[x]); }
  void join(int a, int b) {
    a = find(a), b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

// Components in the topology's order: load balancers, apps, pgbouncers, postgres, redis, qdrant,
// worker queues, stations.
int kind_rank(const std::string& kind);
const char* kind_of(Product p);
bool is_data_kind(const std::string& kind);
// Origins as one provenance string: paths grouped by file ("a.yml: /x, /y; b.yml: /z").
Origin combine(const std::vector<Origin>& os);

class Assembler {
 public:
  Assembler(const Inputs& in, Diagnostics& diag)
      : in_(in), diag_(diag), dir_(in), uf_(in.workloads.size()), mounted_(in.configs.size()) {}

  Assembly run();

 private:
  // ---- recognition -------------------------------------------------------------------------
  void recognise_all();
  void attach_mounted_configs();
  void read_redis(Info& info);
  void read_workload_products();

  // ---- grouping ----------------------------------------------------------------------------
  std::vector<int> resolve(const Sourced<std::string>& host,
                           std::initializer_list<Product> products, const std::string& what);
  void missing(const Origin& o, const std::string& what, const std::string& host);
  void group();

  // ---- components --------------------------------------------------------------------------
  void build_components();
  Info& leader(const Component& c);

  // ---- wiring --------------------------------------------------------------------------------
  void add_edge(Component& from, std::size_t to, Edge e);
  void wire();
  void classify_unknowns();
  Component* find(const std::string& name);
  std::vector<std::size_t> of_kind(const std::string& kind);

  // ---- config files --------------------------------------------------------------------------
  void assign_unmounted_configs();
  void check(const ConfigSource& cs);
  std::optional<std::size_t> sentinel_target(const ConfigSource& cs);
  std::optional<std::size_t> patroni_target(const ConfigSource& cs);
  std::optional<std::size_t> bullmq_target(std::size_t ci);
  std::vector<const ConfigSource*> configs(std::size_t k, ConfigType type);
  void placeholder(Component& c, const std::string& key, const std::string& text,
                   const std::string& what);

  // ---- HPA -----------------------------------------------------------------------------------
  void apply_hpa(const Hpa& h);

  // ---- wiring-derived keys -------------------------------------------------------------------
  const Edge* first_edge_to(const Component& c, std::initializer_list<const char*> kinds,
                            bool prefer_address = true);
  void derived_wiring();

  // ---- settings (component_settings.cpp) ----------------------------------------------------
  void resources(Component& c, const Container& k);
  static nlohmann::ordered_json number(double v);
  void describe(Component& c);
  void settings(Component& c);
  void app(Component& c, const Info& lead);
  void bullmq(Component& c, std::size_t k);
  void load_balancer(Component& c, std::size_t k, const Info& lead);
  void nginx(Component& c, const ConfigSource& cs);
  void same_on_every_server(Component& c, const NginxUpstream& up, const std::string& key);
  static Origin origin_of_first(const NginxUpstream& up, const std::string& key);
  void pgbouncer(Component& c, std::size_t k, const Info& lead);
  void postgres(Component& c, std::size_t k, Info& lead);
  void redis(Component& c, std::size_t k);
  void qdrant(Component& c, const Info& lead);

  const Inputs& in_;
  Diagnostics& diag_;
  HostDirectory dir_;
  UnionFind uf_;
  std::vector<bool> mounted_;
  std::vector<Info> infos_;
  std::map<int, std::size_t> component_of_;             // workload -> component
  std::map<std::size_t, std::vector<int>> configs_of_;  // component -> config files
  std::map<int, Sourced<long long>> cluster_replicas_;  // group root -> --cluster-replicas
  std::map<int, std::vector<std::string>> cluster_made_by_;
  Assembly out_;
};

}  // namespace capsim::import::detail
