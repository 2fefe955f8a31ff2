#include "import/inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "import/compose.hpp"
#include "import/kubernetes.hpp"
#include "import/text.hpp"
#include "import/yaml_source.hpp"

namespace capsim::import {

namespace fs = std::filesystem;

std::optional<ConfigType> config_type_for_name(const std::string& file_name) {
  const std::string n = lower(fs::path(file_name).filename().string());
  const bool conf = ends_with(n, ".conf");
  if (conf && contains(n, "nginx")) return ConfigType::nginx;
  if (ends_with(n, ".ini") && contains(n, "pgbouncer")) return ConfigType::pgbouncer;
  if (conf && contains(n, "postgres")) return ConfigType::postgresql;  // postgresql(.auto).conf
  if (conf && contains(n, "sentinel"))
    return ConfigType::sentinel;  // before redis: redis-sentinel.conf
  if (conf && contains(n, "redis")) return ConfigType::redis;
  if ((ends_with(n, ".yml") || ends_with(n, ".yaml")) && contains(n, "patroni"))
    return ConfigType::patroni;
  if (ends_with(n, ".json") && contains(n, "bullmq")) return ConfigType::bullmq;
  return std::nullopt;
}

const char* config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::nginx:
      return "nginx.conf";
    case ConfigType::pgbouncer:
      return "pgbouncer.ini";
    case ConfigType::postgresql:
      return "postgresql.conf";
    case ConfigType::redis:
      return "redis.conf";
    case ConfigType::sentinel:
      return "sentinel.conf";
    case ConfigType::patroni:
      return "patroni.yml";
    case ConfigType::bullmq:
      return "BullMQ options";
  }
  return "";
}

std::optional<ConfigType> config_type_for_content(const std::string& file_name,
                                                  const std::string& text) {
  const std::string ext = lower(fs::path(file_name).extension().string());
  if (ext == ".json") return ConfigType::bullmq;  // checked for BullMQ keys when read
  if (ext == ".ini" && contains(text, "[pgbouncer]")) return ConfigType::pgbouncer;
  if (ext != ".conf") return std::nullopt;
  if (contains(text, "sentinel monitor")) return ConfigType::sentinel;
  if (contains(text, "upstream") || contains(text, "proxy_pass")) return ConfigType::nginx;
  if (contains(text, "maxmemory") || contains(text, "cluster-enabled") ||
      contains(text, "replicaof") || contains(text, "appendonly"))
    return ConfigType::redis;
  if (contains(text, "max_connections") || contains(text, "shared_buffers") ||
      contains(text, "synchronous_commit"))
    return ConfigType::postgresql;
  return std::nullopt;
}

namespace {

bool is_yaml_name(const fs::path& p) {
  std::string ext = lower(p.extension().string());
  return ext == ".yaml" || ext == ".yml";
}

// The deepest folder holding every path: a folder is its own, a file its parent.
fs::path common_root(const std::vector<fs::path>& paths) {
  std::optional<fs::path> root;
  for (const auto& p : paths) {
    fs::path dir = fs::is_directory(p) ? p : p.parent_path();
    if (!root) {
      root = dir;
      continue;
    }
    fs::path common;
    auto a = root->begin(), b = dir.begin();
    for (; a != root->end() && b != dir.end() && *a == *b; ++a, ++b) common /= *a;
    root = common;
  }
  return root.value_or(fs::current_path());
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One YAML file: each document goes to the compose or the Kubernetes reader; patroni.yml by name.
void read_yaml_file(const std::string& rel, const std::string& text, Inputs& in,
                    Diagnostics& diag) {
  auto docs = load_yaml(text, rel, diag);
  if (!docs) return;
  const bool multi = docs->size() > 1;
  std::string dir = fs::path(rel).parent_path().generic_string();
  for (std::size_t i = 0; i < docs->size(); i++) {
    const YAML::Node& node = (*docs)[i];
    if (!node.IsDefined() || node.IsNull()) continue;
    Origin o;
    o.file = rel;
    o.doc = multi ? static_cast<int>(i) : -1;
    YRef doc(node, o);
    if (looks_like_compose(node)) {
      read_compose(doc, dir, in, diag);
    } else if (looks_like_kubernetes(node)) {
      read_kubernetes(doc, in, diag);
    } else if (node.IsMap() && node["scope"] && (node["postgresql"] || node["bootstrap"])) {
      // A Patroni configuration under another name.
      ConfigSource cs{ConfigType::patroni, rel, text, o, 1, rel, "", ""};
      in.configs.push_back(std::move(cs));
    } else {
      diag.warn(doc.origin(),
                "not a compose file, a Kubernetes resource or a Patroni "
                "configuration: ignored");
    }
  }
}

}  // namespace

Inputs read_inputs(const std::vector<std::string>& paths, Diagnostics& diag) {
  Inputs in;
  std::vector<fs::path> given;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(p), ec);
    if (ec || !fs::exists(abs)) {
      diag.problem(Origin{p, -1, "", 0},
                   "no such file or folder (expected a compose file, a folder "
                   "of Kubernetes YAML or a product config file)");
      continue;
    }
    given.push_back(abs);
  }
  const fs::path root = common_root(given);
  in.root = root.string();
  in.name = root.filename().string();

  // Every file to read, in a stable order: each path's files sorted by their relative name.
  std::vector<fs::path> files;
  for (const auto& p : given) {
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::recursive_directory_iterator(p)) {
      if (!e.is_regular_file()) continue;
      if (is_yaml_name(e.path()) || config_type_for_name(e.path().string()))
        found.push_back(e.path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }

  for (const auto& f : files) {
    const std::string rel = f.lexically_relative(root).generic_string();
    if (std::find(in.files.begin(), in.files.end(), rel) != in.files.end()) continue;
    in.files.push_back(rel);
    const std::string text = read_text(f);
    auto type = config_type_for_name(rel);
    // A file named on the command line may have any name: tell its kind from its content.
    const bool named = std::find(given.begin(), given.end(), f) != given.end();
    if (!type && named) type = config_type_for_content(f.filename().string(), text);
    if (type && *type != ConfigType::patroni) {
      in.configs.push_back(
          ConfigSource{*type, f.filename().string(), text, Origin{rel, -1, "", 0}, 1, rel, "", ""});
    } else if (type) {
      // Patroni's file is YAML: check its syntax now, read it with the postgres settings later.
      if (load_yaml(text, rel, diag))
        in.configs.push_back(ConfigSource{*type, f.filename().string(), text,
                                          Origin{rel, -1, "", 0}, 1, rel, "", ""});
    } else if (is_yaml_name(f)) {
      read_yaml_file(rel, text, in, diag);
    } else {
      diag.problem(Origin{rel, -1, "", 0},
                   "not a file the import reads (expected a compose file or Kubernetes YAML "
                   "(*.yaml, *.yml), nginx.conf, pgbouncer.ini, postgresql.conf, redis.conf, "
                   "sentinel.conf, patroni.yml or a BullMQ options file *bullmq*.json)");
    }
  }
  resolve_configmap_env(in, diag);
  return in;
}

}  // namespace capsim::import
