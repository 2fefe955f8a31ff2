// Kubernetes manifests: workloads and their resources, Services, HPAs (targets relative to the
// CPU request, behavior), multi-document files, ConfigMaps, envFrom, ignored kinds.
#include "tests/import/support.hpp"

using namespace import_test;

namespace {

const char* kApi = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: python:3.12
          resources:
            requests: {cpu: 500m, memory: 512Mi}
            limits: {cpu: 1000m, memory: 1G}
)";

}  // namespace

TEST_CASE("Deployment replicas and resources: limits, requests, Kubernetes quantities") {
  auto r = import_ok({{"api.yaml", kApi}});
  const auto& api = component(r, "api");
  CHECK(api["replicas"] == 4);
  CHECK(api["vcpus"] == 1);
  CHECK(api["cpu_request"] == 0.5);
  CHECK(api["memory_request"] == "512MiB");
  CHECK(api["memory_limit"] == "1GB");  // "1G" is 10^9 bytes
  CHECK(provenance(r, "api", "replicas") == "api.yaml: /spec/replicas");
  CHECK(provenance(r, "api", "cpu_request") ==
        "api.yaml: /spec/template/spec/containers/0/resources/requests/cpu");
  auto bytes = import_ok({{"w.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: w}
spec:
  template:
    spec:
      containers:
        - {name: w, image: node:20, resources: {limits: {cpu: "2.5", memory: "134217728"}}}
)"}});
  CHECK(component(bytes, "w")["vcpus"] == 3);
  CHECK(component(bytes, "w")["memory_limit"] == "128MiB");
  CHECK(!component(bytes, "w").contains("replicas"));  // not stated: capsim's default
}

TEST_CASE("HPA v2: targets relative to the CPU request, min, max, memory, behavior") {
  auto r = import_ok({{"api.yaml", kApi}, {"hpa.yaml", R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      policies:
        - {type: Percent, value: 100, periodSeconds: 15}
        - {type: Pods, value: 4, periodSeconds: 15}
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - {type: Pods, value: 1, periodSeconds: 60}
)"}});
  const auto& a = component(r, "api")["autoscale"];
  INFO(a.dump(2));
  CHECK(a["policy"] == "hpa");
  CHECK(a["min"] == 2);
  CHECK(a["max"] == 10);
  // 70% of the 500m request (Kubernetes HPA docs): 0.35 of the 1-CPU limit capsim runs on.
  CHECK(a["target_cpu"] == 0.7);
  CHECK(component(r, "api")["cpu_request"] == 0.5);
  CHECK(a["target_memory"] == 0.8);
  CHECK(a["scale_up"] == ojson::parse(R"({"stabilization_window": "0s", "select": "Max", "policies":
      [{"type": "Percent", "value": 100, "period": "15s"}, {"type": "Pods", "value": 4, "period": "15s"}]})"));
  CHECK(a["scale_down"] == ojson::parse(R"({"stabilization_window": "300s", "policies":
      [{"type": "Pods", "value": 1, "period": "60s"}]})"));
  CHECK(a["scale_down_window"] == "300s");
  CHECK(provenance(r, "api", "autoscale/target_cpu") ==
        "hpa.yaml: /spec/metrics/0/resource/target/averageUtilization");
  CHECK(provenance(r, "api", "autoscale/scale_up/policies") ==
        "hpa.yaml: /spec/behavior/scaleUp/policies");
}

TEST_CASE("HPA: only what it states, v1 targetCPUUtilizationPercentage, an AverageValue target") {
  auto v1 = import_ok({{"api.yaml", kApi}, {"hpa.yaml", R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {kind: Deployment, name: api}
  maxReplicas: 6
  targetCPUUtilizationPercentage: 60
)"}});
  const auto& a = component(v1, "api")["autoscale"];
  CHECK(a == ojson::parse(R"({"policy": "hpa", "max": 6, "target_cpu": 0.6})"));
  auto avg = import_ok({{"api.yaml", kApi}, {"hpa.yaml", R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {kind: Deployment, name: api}
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: AverageValue, averageValue: 350m}}
    - type: Pods
      pods: {metric: {name: http_requests}, target: {type: AverageValue, averageValue: "10"}}
)"}});
  CHECK(component(avg, "api")["autoscale"]["target_cpu"] == Approx(0.7));  // 350m of 500m
  CHECK(has_warning(avg, {"Pods metric not modelled"}));
}

TEST_CASE("multi-document files: provenance carries the document index") {
  TempDir dir;
  dir.write("k8s/all.yaml",
            std::string("# Source: chart/templates/cm.yaml\n---\napiVersion: v1\nkind: "
                        "ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n---\n") +
                kApi + "---\n");
  dir.write("docker-compose.yml", "services:\n  cache: {image: redis:7}\n");
  auto r = capsim::import::import_paths(
      {(dir.path() / "docker-compose.yml").string(), (dir.path() / "k8s").string()});
  INFO(problems_text(r));
  REQUIRE(r.problems.empty());
  // The root is the folder holding both paths. Documents count from 0 and the comment before the
  // first "---" is not one (YAML): the Deployment is document 1.
  CHECK(provenance(r, "api", "replicas") == "k8s/all.yaml#1: /spec/replicas");
  CHECK(provenance(r, "cache", "kind") == "docker-compose.yml: /services/cache/image");
}

TEST_CASE("a Service names the workloads its selector matches, StatefulSet pods are name-N") {
  auto r = import_ok({{"app.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: node:20
          env:
            - {name: REDIS_HOST, value: sessions.default.svc.cluster.local}
            - {name: DATABASE_URL, value: "postgres://u:p@store-0.store:5432/db"}
---
apiVersion: v1
kind: Service
metadata: {name: sessions}
spec:
  selector: {app: redis, tier: sessions}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-sessions}
spec:
  template:
    metadata: {labels: {app: redis, tier: sessions}}
    spec:
      containers: [{name: redis, image: redis:7}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: pg, image: postgres:16}]
)"}});
  std::vector<std::string> to;
  for (const auto& c : r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"])
    to.push_back(c["to"]);
  CHECK(to == std::vector<std::string>{"store", "redis_sessions"});
  // A postgres StatefulSet of 3 is a primary and 2 read replicas.
  CHECK(component(r, "store")["read_replicas"] == 2);
  CHECK(provenance(r, "store", "read_replicas") == "app.yaml#3: /spec/replicas");
}

TEST_CASE("ConfigMaps: embedded config files by key name, env from configMapKeyRef and envFrom") {
  auto r = import_ok({{"all.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf}
data:
  redis.conf: |
    # cache settings
    maxmemory 1gb
    maxmemory-policy volatile-lru
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-env}
data:
  DATABASE_URL: postgresql://u:p@pg/app
  CACHE: cache
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: node:20
          envFrom: [{configMapRef: {name: api-env}}]
          env:
            - name: REDIS_HOST
              valueFrom: {configMapKeyRef: {name: api-env, key: CACHE}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:7
          args: [/etc/redis/redis.conf]
          volumeMounts: [{name: c, mountPath: /etc/redis}]
      volumes: [{name: c, configMap: {name: redis-conf}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pg}
spec:
  template:
    spec:
      containers: [{name: pg, image: postgres:16}]
)"}});
  const auto& cache = component(r, "cache");
  CHECK(cache["maxmemory"] == "1GiB");
  CHECK(cache["maxmemory_policy"] == "volatile-lru");
  CHECK(provenance(r, "cache", "maxmemory") == "all.yaml#0: /data/redis.conf: maxmemory");
  std::vector<std::string> to;
  for (const auto& c : r.topology["requests"]["FILL_IN_request_class"]["calls"][0]["calls"])
    to.push_back(c["to"]);
  CHECK(to == std::vector<std::string>{"pg", "cache"});
}

TEST_CASE("a config value's problem in a ConfigMap is reported at its line in the YAML file") {
  auto r = import_files({{"redis.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf}
data:
  redis.conf: |
    appendonly yes
    maxmemory lots
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  template:
    spec:
      containers:
        - {name: redis, image: redis:7, volumeMounts: [{name: c, mountPath: /etc/redis}]}
      volumes: [{name: c, configMap: {name: redis-conf}}]
)"}});
  INFO(problems_text(r));
  CHECK(find_problem(r, "redis.yaml", 7, {"maxmemory", "expected a size", "lots"}));
}

TEST_CASE("kind: List, Ingress and unknown kinds") {
  auto r = import_ok({{"list.yaml", R"(apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          containers: [{name: web, image: node:20}]
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web}
  - apiVersion: example.com/v1
    kind: Widget
    metadata: {name: w}
  - apiVersion: v1
    kind: Secret
    metadata: {name: s}
)"}});
  CHECK(component(r, "web")["kind"] == "app");
  CHECK(has_warning(r, {"Ingress web ignored"}));
  CHECK(has_warning(r, {"Widget w ignored"}));
  CHECK(r.warnings.size() == 2);  // a Secret has no bearing on capacity: nothing said
}

TEST_CASE("a pod's Sentinel sidecar counts its Sentinels (Bitnami's chart)") {
  auto r = import_ok({{"redis.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: redis
          image: bitnami/redis:7.2
        - name: sentinel
          image: bitnami/redis-sentinel:7.2
          env:
            - {name: REDIS_SENTINEL_QUORUM, value: "2"}
            - {name: REDIS_SENTINEL_DOWN_AFTER_MILLISECONDS, value: "60000"}
            - {name: REDIS_SENTINEL_FAILOVER_TIMEOUT, value: "18000"}
)"}});
  const auto& cache = component(r, "cache");
  CHECK(cache["mode"] == "sentinel");
  CHECK(cache["sentinels"] == 3);
  CHECK(cache["replicas"] == 2);  // pod 0 is the master
  CHECK(cache["quorum"] == 2);
  CHECK(cache["down_after"] == "60s");
  CHECK(cache["failover_timeout"] == "18s");
}
