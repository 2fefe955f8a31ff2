// What the readers (compose, Kubernetes, product config files) find, before it becomes capsim
// components: workloads with their containers, Kubernetes Services and HPAs, and the config files.
// Every value keeps its Origin so the topology can say where it came from.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "import/import.hpp"

namespace capsim::import {

// Where a value came from: a file relative to the import root, the document index within a
// multi-document YAML file (-1 for a single document or a non-YAML file), the path inside it (a
// JSON pointer for YAML, "[section] key" or "directive" for config files) and its 1-based line (0
// when unknown). text() is the provenance string: "k8s/all.yaml#2: /spec/replicas".
struct Origin {
  std::string file;
  int doc = -1;
  std::string path;
  int line = 0;

  std::string file_label() const { return doc < 0 ? file : file + "#" + std::to_string(doc); }
  std::string text() const { return path.empty() ? file_label() : file_label() + ": " + path; }
  // The same file and line, another path.
  Origin at(std::string p, int l = -1) const {
    Origin o = *this;
    o.path = std::move(p);
    if (l >= 0) o.line = l;
    return o;
  }
};

template <class T>
struct Sourced {
  T value{};
  Origin origin;
};

// Collects what the stages report; import_paths() moves it into the ImportResult.
struct Diagnostics {
  std::vector<Warning> warnings;
  std::vector<Problem> problems;

  void warn(const Origin& o, std::string message) {
    warnings.push_back({o.file, o.line, std::move(message)});
  }
  void problem(const Origin& o, std::string message) {
    problems.push_back({o.file, o.line, std::move(message)});
  }
};

// A capsim key (a JSON pointer relative to the component, without the leading slash, e.g.
// "autoscale/max") with its value and where it came from.
struct Setting {
  std::string key;
  nlohmann::ordered_json value;
  Origin origin;
};

// A raw "name = value" read from a config file, a command line or an environment variable, before
// it is checked and converted (the product's interpreter does that and reports a bad value).
struct RawSetting {
  std::string name;
  std::string value;
  Origin origin;
};

struct EnvVar {
  std::string name;
  std::optional<std::string> value;  // none: from a Secret, the shell or a field reference
  Origin origin;
  std::string configmap, configmap_key;  // valueFrom.configMapKeyRef, filled in once all is read
};

// A config file made visible in a container: a compose bind mount of a file (`file`, relative to
// the import root) or a Kubernetes ConfigMap volume (`configmap`, and `key` when only one key of it
// is mounted through subPath or items).
struct Mount {
  std::string file;
  std::string configmap;
  std::string key;
  std::string target;
};

struct Container {
  std::string name;
  Sourced<std::string> image;     // empty value when built from a Dockerfile only
  std::optional<Origin> build;    // compose `build:`
  std::vector<std::string> argv;  // entrypoint/command + args, split into words
  Origin argv_origin;
  std::vector<EnvVar> env;
  std::vector<Sourced<std::string>> env_from;  // envFrom.configMapRef names, filled in later
  std::optional<Sourced<double>> cpu_limit, cpu_request;  // cores
  std::optional<Sourced<double>> mem_limit, mem_request;  // bytes
  std::vector<Mount> mounts;
  std::optional<Origin> ports;  // where its ports are declared, if any

  const EnvVar* find_env(const std::string& name) const {
    for (const auto& e : env)
      if (e.name == name) return &e;
    return nullptr;
  }
};

// A compose service or a Kubernetes workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
// Pod): one or more containers run `replicas` times.
struct Workload {
  std::string name;
  std::string source;  // "compose service", "Deployment", "StatefulSet", ...
  std::string ns;      // Kubernetes namespace ("" for compose)
  Origin origin;       // the service / resource itself
  std::optional<Sourced<long long>> replicas;
  std::vector<Container> containers;
  std::map<std::string, std::string> pod_labels;
  std::vector<Sourced<std::string>> depends_on;  // compose depends_on and links
  std::vector<std::string> aliases;              // other host names: container_name, hostname, ...

  bool is_kubernetes() const { return source != "compose service"; }
};

// A Kubernetes Service: its name is a host name for the workloads its selector matches.
struct KubeService {
  std::string name;
  std::string ns;
  std::map<std::string, std::string> selector;
  Origin origin;
};

// A HorizontalPodAutoscaler (autoscaling/v2, v2beta2 or v1), already in capsim keys under
// "autoscale/...", with its target and the targets written as average values (converted against
// the container's request once the target is known).
struct Hpa {
  std::string name;
  std::string ns;
  Origin origin;
  std::string target_kind;
  Sourced<std::string> target;
  std::vector<Setting> settings;
  std::optional<Sourced<double>> cpu_average_value;  // cores
  std::optional<Sourced<double>> mem_average_value;  // bytes
};

enum class ConfigType { nginx, pgbouncer, postgresql, redis, sentinel, patroni, bullmq };

// A product config file: a file of its own or a key of a ConfigMap's data. Line i (1-based) of
// `text` is line `first_line + i - 1` of `origin.file`; `origin.path` is the prefix for its
// provenance ("/data/redis.conf" inside a ConfigMap, empty for a file of its own).
struct ConfigSource {
  ConfigType type;
  std::string name;  // the file name or the ConfigMap key
  std::string text;
  Origin origin;
  int first_line = 1;
  std::string file;       // the file's own path relative to the root (for compose mounts)
  std::string configmap;  // the ConfigMap's name (for Kubernetes volume mounts)
  std::string ns;

  // The origin of `locator` (e.g. "[pgbouncer] default_pool_size") found on line `line` of text.
  Origin locate(const std::string& locator, int line) const {
    Origin o = origin;
    o.path = origin.path.empty() ? locator : origin.path + ": " + locator;
    o.line = line > 0 ? first_line + line - 1 : origin.line;
    return o;
  }
};

// Everything read from the inputs.
struct Inputs {
  std::string root;                // the import root (absolute)
  std::string name;                // compose project name, else the root folder's name
  std::vector<std::string> files;  // files read, relative to the root, in reading order
  std::vector<Workload> workloads;
  std::vector<KubeService> services;
  std::vector<Hpa> hpas;
  std::vector<ConfigSource> configs;
  // ConfigMap data by "namespace/name", for env valueFrom / envFrom.
  std::map<std::string, std::vector<EnvVar>> configmap_data;
};

}  // namespace capsim::import
