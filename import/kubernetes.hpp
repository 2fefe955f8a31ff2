// Kubernetes resources (what `kubectl apply -f`, `kustomize build` or `helm template` give):
// workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod), Services (host
// names for the pods their selector matches), HorizontalPodAutoscalers and ConfigMaps (embedded
// product config files, and values for env). Ingress and unknown kinds are ignored with a warning.
#pragma once

#include <yaml-cpp/yaml.h>

#include "import/model.hpp"
#include "import/yaml_source.hpp"

namespace capsim::import {

bool looks_like_kubernetes(const YAML::Node& doc);

// Adds the resource (or the items of a List) to `in`.
void read_kubernetes(const YRef& doc, Inputs& in, Diagnostics& diag);

// Fills env values that come from ConfigMaps (valueFrom.configMapKeyRef, envFrom.configMapRef)
// once every file has been read.
void resolve_configmap_env(Inputs& in, Diagnostics& diag);

}  // namespace capsim::import
