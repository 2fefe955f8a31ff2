#include "import/kubernetes.hpp"

#include <fmt/format.h>

#include <set>

#include "import/inputs.hpp"
#include "import/quantities.hpp"
#include "import/text.hpp"

namespace capsim::import {

bool looks_like_kubernetes(const YAML::Node& doc) {
  return doc.IsMap() && doc["apiVersion"] && doc["kind"];
}

namespace {

std::string key_of(const std::string& ns, const std::string& name) {
  return ns + "/" + name;
}

std::optional<Sourced<double>> cpu(const YRef& r, Diagnostics& diag) {
  if (!r.defined()) return std::nullopt;
  auto v = parse_kube_cpu(r.text());
  if (!v || *v <= 0) {
    diag.problem(r.origin(),
                 fmt::format("{}: expected a CPU quantity such as 500m or 2, got \"{}\"",
                             r.origin().path, r.text()));
    return std::nullopt;
  }
  return Sourced<double>{*v, r.origin()};
}

std::optional<Sourced<double>> memory(const YRef& r, Diagnostics& diag) {
  if (!r.defined()) return std::nullopt;
  auto v = parse_kube_memory(r.text());
  if (!v || *v <= 0) {
    diag.problem(r.origin(),
                 fmt::format("{}: expected a memory quantity such as 512Mi, 1Gi or 1G, got \"{}\"",
                             r.origin().path, r.text()));
    return std::nullopt;
  }
  return Sourced<double>{*v, r.origin()};
}

Container read_container(const YRef& c, const YRef& volumes, Diagnostics& diag) {
  Container out;
  out.name = c["name"].text();
  if (c["image"].is_scalar()) out.image = {c["image"].text(), c["image"].origin()};
  // command replaces the image's ENTRYPOINT and args its CMD; both are argv lists.
  for (const char* key : {"command", "args"})
    for (const auto& item : c[key].items())
      for (auto& w : split_words(item.text())) out.argv.push_back(w);
  out.argv_origin = c["command"].defined() ? c["command"].origin() : c["args"].origin();
  for (const auto& e : c["env"].items()) {
    EnvVar v;
    v.name = e["name"].text();
    v.origin = e["value"].defined() ? e["value"].origin() : e.origin();
    if (e["value"].is_scalar()) v.value = e["value"].text();
    if (YRef ref = e["valueFrom"]["configMapKeyRef"]; ref.defined()) {
      v.configmap = ref["name"].text();
      v.configmap_key = ref["key"].text();
    }
    out.env.push_back(std::move(v));
  }
  for (const auto& e : c["envFrom"].items())
    if (YRef ref = e["configMapRef"]; ref.defined())
      out.env_from.push_back({ref["name"].text(), ref.origin()});
  YRef res = c["resources"];
  out.cpu_limit = cpu(res["limits"]["cpu"], diag);
  out.cpu_request = cpu(res["requests"]["cpu"], diag);
  out.mem_limit = memory(res["limits"]["memory"], diag);
  out.mem_request = memory(res["requests"]["memory"], diag);
  if (c["ports"].is_seq() && c["ports"].node().size() > 0) out.ports = c["ports"].origin();
  // ConfigMap volumes mounted in this container: their embedded config files belong to it.
  for (const auto& vm : c["volumeMounts"].items()) {
    for (const auto& v : volumes.items()) {
      if (v["name"].text() != vm["name"].text() || !v["configMap"].defined()) continue;
      Mount m;
      m.configmap = v["configMap"]["name"].text();
      m.target = vm["mountPath"].text();
      m.key = vm["subPath"].text();
      if (m.key.empty() && v["configMap"]["items"].is_seq() &&
          v["configMap"]["items"].node().size() == 1)
        m.key = v["configMap"]["items"][0]["key"].text();
      out.mounts.push_back(std::move(m));
    }
  }
  return out;
}

// Deployment, StatefulSet, ...: the pod template and the replica count.
void read_workload(const std::string& kind, const YRef& doc, Inputs& in, Diagnostics& diag) {
  Workload w;
  w.name = doc["metadata"]["name"].text();
  w.ns = doc["metadata"]["namespace"].text();
  w.source = kind;
  w.origin = doc.origin();
  w.origin.line = doc["metadata"]["name"].line();
  YRef spec = doc["spec"];
  YRef pod_template = spec["template"];
  if (kind == "CronJob") pod_template = spec["jobTemplate"]["spec"]["template"];
  YRef pod_spec = kind == "Pod" ? spec : pod_template["spec"];
  if (kind == "Pod") {
    for (const auto& [k, v] : doc["metadata"]["labels"].entries()) w.pod_labels[k] = v.text();
  } else {
    for (const auto& [k, v] : pod_template["metadata"]["labels"].entries())
      w.pod_labels[k] = v.text();
  }
  if (kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" ||
      kind == "ReplicationController") {
    if (YRef r = spec["replicas"]; r.defined()) {
      if (auto n = yaml_integer(r, "a whole number of replicas", diag))
        w.replicas = {*n, r.origin()};
    }
  }
  for (const auto& c : pod_spec["containers"].items())
    w.containers.push_back(read_container(c, pod_spec["volumes"], diag));
  if (w.containers.empty()) {
    diag.warn(w.origin, fmt::format("{} {} has no containers: ignored", kind, w.name));
    return;
  }
  in.workloads.push_back(std::move(w));
}

void read_service(const YRef& doc, Inputs& in) {
  KubeService s;
  s.name = doc["metadata"]["name"].text();
  s.ns = doc["metadata"]["namespace"].text();
  s.origin = doc["metadata"]["name"].origin();
  for (const auto& [k, v] : doc["spec"]["selector"].entries()) s.selector[k] = v.text();
  in.services.push_back(std::move(s));
}

// An HPA policy list entry -> {"type", "value", "period"}.
nlohmann::ordered_json read_policy(const YRef& p, Diagnostics& diag) {
  nlohmann::ordered_json j;
  std::string type = p["type"].text();
  if (type != "Percent" && type != "Pods")
    diag.problem(p["type"].origin(), fmt::format("{}: expected Percent or Pods, got \"{}\"",
                                                 p["type"].origin().path, type));
  j["type"] = type;
  if (auto v = yaml_integer(p["value"], "a whole number", diag)) j["value"] = *v;
  if (auto s = yaml_integer(p["periodSeconds"], "a whole number of seconds", diag))
    j["period"] = format_duration(static_cast<double>(*s));
  return j;
}

// The HPA `behavior` block, scaleUp or scaleDown, as {"stabilization_window", "select",
// "policies"}: only what it states (Kubernetes' defaults apply to the rest; HPA docs,
// "Configurable scaling behavior").
void read_behavior(const YRef& b, const std::string& key, Hpa& hpa, Diagnostics& diag) {
  if (!b.defined()) return;
  if (YRef w = b["stabilizationWindowSeconds"]; w.defined()) {
    if (auto s = yaml_integer(w, "a whole number of seconds", diag)) {
      std::string d = format_duration(static_cast<double>(*s));
      hpa.settings.push_back({"autoscale/" + key + "/stabilization_window", d, w.origin()});
      // capsim's existing scale-down stabilisation key says the same for scale-down.
      if (key == "scale_down")
        hpa.settings.push_back({"autoscale/scale_down_window", d, w.origin()});
    }
  }
  if (YRef s = b["selectPolicy"]; s.defined()) {
    std::string v = s.text();
    if (v != "Max" && v != "Min" && v != "Disabled")
      diag.problem(s.origin(), fmt::format("{}: expected Max, Min or Disabled, got \"{}\"",
                                           s.origin().path, v));
    hpa.settings.push_back({"autoscale/" + key + "/select", v, s.origin()});
  }
  if (YRef ps = b["policies"]; ps.is_seq()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& p : ps.items()) list.push_back(read_policy(p, diag));
    hpa.settings.push_back({"autoscale/" + key + "/policies", list, ps.origin()});
  }
}

// One metric: a Resource metric on cpu or memory. Utilization is a percentage of the pods'
// requests (HPA docs: "the utilization value is computed as a percentage of the equivalent
// resource request on the containers"); an AverageValue is converted once the request is known.
void read_metric(const YRef& m, Hpa& hpa, Diagnostics& diag) {
  std::string type = m["type"].text();
  if (type != "Resource" && type != "ContainerResource") {
    diag.warn(m.origin(), fmt::format("HPA {}: {} metric not modelled (capsim's HPA follows CPU)",
                                      hpa.name, type.empty() ? "an untyped" : type));
    return;
  }
  YRef r = type == "Resource" ? m["resource"] : m["containerResource"];
  std::string name = r["name"].text();
  if (name != "cpu" && name != "memory") {
    diag.warn(r.origin(), fmt::format("HPA {}: resource {} not modelled", hpa.name, name));
    return;
  }
  YRef target = r["target"];
  std::string ttype = target["type"].text();
  if (ttype == "Utilization") {
    YRef u = target["averageUtilization"];
    if (auto pct = yaml_integer(u, "a whole-number percentage", diag)) {
      if (*pct <= 0)
        diag.problem(u.origin(), fmt::format("{}: expected a percentage above 0, got {}",
                                             u.origin().path, *pct));
      else
        hpa.settings.push_back({name == "cpu" ? "autoscale/target_cpu" : "autoscale/target_memory",
                                static_cast<double>(*pct) / 100.0, u.origin()});
    }
  } else if (ttype == "AverageValue") {
    YRef v = target["averageValue"];
    if (name == "cpu") {
      if (auto c = cpu(v, diag)) hpa.cpu_average_value = c;
    } else if (auto b = memory(v, diag)) {
      hpa.mem_average_value = b;
    }
  } else {
    diag.warn(target.origin(), fmt::format("HPA {}: target type {} not modelled", hpa.name, ttype));
  }
}

void read_hpa(const YRef& doc, Inputs& in, Diagnostics& diag) {
  Hpa hpa;
  hpa.name = doc["metadata"]["name"].text();
  hpa.ns = doc["metadata"]["namespace"].text();
  hpa.origin = doc["metadata"]["name"].origin();
  YRef spec = doc["spec"];
  hpa.target_kind = spec["scaleTargetRef"]["kind"].text();
  hpa.target = {spec["scaleTargetRef"]["name"].text(), spec["scaleTargetRef"]["name"].origin()};
  hpa.settings.push_back({"autoscale/policy", "hpa", doc["kind"].origin()});
  if (YRef r = spec["minReplicas"]; r.defined())
    if (auto n = yaml_integer(r, "a whole number of replicas", diag))
      hpa.settings.push_back({"autoscale/min", *n, r.origin()});
  if (YRef r = spec["maxReplicas"]; r.defined())
    if (auto n = yaml_integer(r, "a whole number of replicas", diag))
      hpa.settings.push_back({"autoscale/max", *n, r.origin()});
  // autoscaling/v1
  if (YRef r = spec["targetCPUUtilizationPercentage"]; r.defined())
    if (auto pct = yaml_integer(r, "a whole-number percentage", diag))
      hpa.settings.push_back(
          {"autoscale/target_cpu", static_cast<double>(*pct) / 100.0, r.origin()});
  for (const auto& m : spec["metrics"].items()) read_metric(m, hpa, diag);
  read_behavior(spec["behavior"]["scaleUp"], "scale_up", hpa, diag);
  read_behavior(spec["behavior"]["scaleDown"], "scale_down", hpa, diag);
  in.hpas.push_back(std::move(hpa));
}

// A ConfigMap's data: values for env, and product config files by key name.
void read_configmap(const YRef& doc, Inputs& in) {
  std::string name = doc["metadata"]["name"].text();
  std::string ns = doc["metadata"]["namespace"].text();
  auto& data = in.configmap_data[key_of(ns, name)];
  for (const auto& [key, value] : doc["data"].entries()) {
    EnvVar v;
    v.name = key;
    v.value = value.text();
    v.origin = value.origin();
    data.push_back(v);
    if (auto type = config_type_for_name(key)) {
      ConfigSource cs;
      cs.type = *type;
      cs.name = key;
      cs.text = value.text();
      cs.origin = value.origin();
      // A block scalar ("key: |") starts on the line after its indicator; a one-line value on it.
      cs.first_line = value.line() + (value.text().find('\n') != std::string::npos ? 1 : 0);
      cs.configmap = name;
      cs.ns = ns;
      in.configs.push_back(std::move(cs));
    }
  }
}

}  // namespace

void read_kubernetes(const YRef& doc, Inputs& in, Diagnostics& diag) {
  const std::string kind = doc["kind"].text();
  static const std::set<std::string> workloads = {
      "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
      "Job",        "CronJob",     "Pod"};
  // Kinds with no bearing on capacity: read past without a word.
  static const std::set<std::string> quiet = {"Secret",
                                              "ServiceAccount",
                                              "Role",
                                              "RoleBinding",
                                              "ClusterRole",
                                              "ClusterRoleBinding",
                                              "PersistentVolumeClaim",
                                              "PersistentVolume",
                                              "PodDisruptionBudget",
                                              "NetworkPolicy",
                                              "Namespace",
                                              "StorageClass",
                                              "ServiceMonitor",
                                              "PodMonitor",
                                              "Certificate",
                                              "CustomResourceDefinition",
                                              "LimitRange",
                                              "ResourceQuota",
                                              "PriorityClass"};
  if (kind == "List") {
    for (const auto& item : doc["items"].items()) read_kubernetes(item, in, diag);
  } else if (workloads.count(kind)) {
    read_workload(kind, doc, in, diag);
  } else if (kind == "Service") {
    read_service(doc, in);
  } else if (kind == "HorizontalPodAutoscaler") {
    read_hpa(doc, in, diag);
  } else if (kind == "ConfigMap") {
    read_configmap(doc, in);
  } else if (kind == "Ingress") {
    diag.warn(doc["kind"].origin(),
              fmt::format("Ingress {} ignored: an Ingress only routes to Services (give the "
                          "ingress controller's nginx Deployment and nginx.conf to model it)",
                          doc["metadata"]["name"].text()));
  } else if (!quiet.count(kind)) {
    diag.warn(doc["kind"].origin(), fmt::format("{} {} ignored: not a kind the import reads", kind,
                                                doc["metadata"]["name"].text()));
  }
}

void resolve_configmap_env(Inputs& in, Diagnostics& diag) {
  for (auto& w : in.workloads) {
    for (auto& c : w.containers) {
      std::vector<EnvVar> from;
      for (const auto& ref : c.env_from) {
        auto it = in.configmap_data.find(key_of(w.ns, ref.value));
        if (it == in.configmap_data.end()) {
          diag.warn(ref.origin, fmt::format("envFrom ConfigMap {} is not among the inputs: its "
                                            "variables are unknown",
                                            ref.value));
          continue;
        }
        for (const auto& v : it->second) from.push_back(v);
      }
      // Variables listed in env win over envFrom (Kubernetes: "env takes precedence").
      for (auto& v : from)
        if (!c.find_env(v.name)) c.env.push_back(v);
      for (auto& v : c.env) {
        if (v.configmap.empty() || v.value) continue;
        auto it = in.configmap_data.find(key_of(w.ns, v.configmap));
        if (it == in.configmap_data.end()) continue;
        for (const auto& d : it->second)
          if (d.name == v.configmap_key) v.value = d.value, v.origin = d.origin;
      }
    }
  }
}

}  // namespace capsim::import
