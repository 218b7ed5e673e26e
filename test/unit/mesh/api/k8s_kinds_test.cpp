// Kubernetes core kinds: fixtures using every field Jib reads parse into the expected values,
// and the JSON form of each gives the same typed value as its YAML.
#include <gtest/gtest.h>

#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

template <typename T>
T only(std::string_view text, const std::string& file = "k8s.yaml") {
  auto r = parse_and_validate(text, file);
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].str());
  EXPECT_TRUE(r.warnings.empty()) << (r.warnings.empty() ? "" : r.warnings[0].str());
  EXPECT_EQ(r.objects.size(), 1u);
  if (r.objects.size() != 1 || !std::holds_alternative<T>(r.objects[0])) return T{};
  T out = std::get<T>(r.objects[0]);
  out.meta.source = {};  // JSON and YAML differ only in where they came from
  return out;
}

constexpr const char* kService = R"(
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  labels: {app: reviews}
spec:
  type: LoadBalancer
  selector: {app: reviews}
  clusterIP: 10.96.0.12
  clusterIPs: [10.96.0.12, "fd00::12"]
  publishNotReadyAddresses: true
  sessionAffinity: None
  ports:
  - name: http
    port: 9080
    targetPort: 8080
    protocol: TCP
    appProtocol: http
    nodePort: 30080
  - name: grpc-web
    port: 9090
    targetPort: grpc-port
    protocol: UDP
status:
  loadBalancer: {}
)";

constexpr const char* kServiceJson = R"({
  "apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "reviews", "namespace": "bookinfo", "labels": {"app": "reviews"}},
  "spec": {"type": "LoadBalancer", "selector": {"app": "reviews"}, "clusterIP": "10.96.0.12",
    "clusterIPs": ["10.96.0.12", "fd00::12"], "publishNotReadyAddresses": true,
    "sessionAffinity": "None",
    "ports": [
      {"name": "http", "port": 9080, "targetPort": 8080, "protocol": "TCP",
       "appProtocol": "http", "nodePort": 30080},
      {"name": "grpc-web", "port": 9090, "targetPort": "grpc-port", "protocol": "UDP"}]},
  "status": {"loadBalancer": {}}
})";

TEST(K8sService, ReadsEveryField) {
  auto svc = only<K8sService>(kService);
  EXPECT_EQ(svc.meta.name, "reviews");
  EXPECT_EQ(svc.meta.ns, "bookinfo");
  EXPECT_EQ(svc.type, K8sService::Type::kLoadBalancer);
  EXPECT_EQ(svc.selector, (Labels{{"app", "reviews"}}));
  EXPECT_EQ(svc.cluster_ip, "10.96.0.12");
  EXPECT_EQ(svc.cluster_ips, (std::vector<std::string>{"10.96.0.12", "fd00::12"}));
  EXPECT_TRUE(svc.publish_not_ready_addresses);
  EXPECT_FALSE(svc.headless());
  ASSERT_EQ(svc.ports.size(), 2u);
  EXPECT_EQ(svc.ports[0],
            (K8sServicePort{"http", 9080, uint32_t{8080}, K8sProtocol::kTcp, "http", 30080}));
  EXPECT_EQ(svc.ports[1].target_port, IntOrString(std::string("grpc-port")));
  EXPECT_EQ(svc.ports[1].protocol, K8sProtocol::kUdp);
}

TEST(K8sService, JsonEqualsYaml) {
  EXPECT_EQ(only<K8sService>(kServiceJson), only<K8sService>(kService));
}

TEST(K8sService, ExternalNameAndHeadless) {
  auto ext = only<K8sService>(R"(
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {type: ExternalName, externalName: db.example.com}
)");
  EXPECT_EQ(ext.type, K8sService::Type::kExternalName);
  EXPECT_EQ(ext.external_name, "db.example.com");
  auto headless = only<K8sService>(R"(
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}}
)");
  EXPECT_TRUE(headless.headless());
}

// A quoted number is a port name to the API server, so it is not read as a number.
TEST(K8sService, QuotedTargetPortIsAName) {
  auto r = parse_and_validate(R"(
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80, targetPort: "8080"}]
)",
                              "q.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "spec.ports[0].targetPort");
  EXPECT_NE(r.errors[0].message.find("at least one letter"), std::string::npos);
}

constexpr const char* kEndpointSlice = R"(
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-abc12
  namespace: bookinfo
  labels:
    kubernetes.io/service-name: reviews
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
  appProtocol: http
- name: all
endpoints:
- addresses: [10.0.0.5]
  conditions: {ready: true, serving: true, terminating: false}
  hostname: reviews-0
  nodeName: node-a
  zone: us-east1-b
  targetRef: {kind: Pod, namespace: bookinfo, name: reviews-v1-0, uid: 1234-abcd}
- addresses: [10.0.0.6]
  conditions: {ready: false}
)";

constexpr const char* kEndpointSliceJson = R"({
  "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
  "metadata": {"name": "reviews-abc12", "namespace": "bookinfo", "labels": {
    "kubernetes.io/service-name": "reviews",
    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
  "addressType": "IPv4",
  "ports": [{"name": "http", "port": 8080, "protocol": "TCP", "appProtocol": "http"},
            {"name": "all"}],
  "endpoints": [
    {"addresses": ["10.0.0.5"], "conditions": {"ready": true, "serving": true,
     "terminating": false}, "hostname": "reviews-0", "nodeName": "node-a", "zone": "us-east1-b",
     "targetRef": {"kind": "Pod", "namespace": "bookinfo", "name": "reviews-v1-0",
                   "uid": "1234-abcd"}},
    {"addresses": ["10.0.0.6"], "conditions": {"ready": false}}]
})";

TEST(EndpointSlice, ReadsEveryField) {
  auto s = only<EndpointSlice>(kEndpointSlice);
  EXPECT_EQ(s.service_name(), "reviews");
  EXPECT_EQ(s.address_type, EndpointSlice::AddressType::kIPv4);
  ASSERT_EQ(s.ports.size(), 2u);
  EXPECT_EQ(s.ports[0], (EndpointPort{"http", 8080u, K8sProtocol::kTcp, "http"}));
  EXPECT_FALSE(s.ports[1].port.has_value());
  ASSERT_EQ(s.endpoints.size(), 2u);
  const auto& e = s.endpoints[0];
  EXPECT_EQ(e.addresses, std::vector<std::string>{"10.0.0.5"});
  EXPECT_EQ(e.conditions, (EndpointConditions{true, true, false}));
  EXPECT_EQ(e.hostname, "reviews-0");
  EXPECT_EQ(e.node_name, "node-a");
  EXPECT_EQ(e.zone, "us-east1-b");
  EXPECT_EQ(e.target_ref, (ObjectReference{"Pod", "bookinfo", "reviews-v1-0", "1234-abcd"}));
  EXPECT_EQ(s.endpoints[1].conditions.ready, false);
  EXPECT_FALSE(s.endpoints[1].conditions.serving.has_value());
}

TEST(EndpointSlice, JsonEqualsYaml) {
  EXPECT_EQ(only<EndpointSlice>(kEndpointSliceJson), only<EndpointSlice>(kEndpointSlice));
}

constexpr const char* kPod = R"(
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-0
  namespace: bookinfo
  labels: {app: reviews, version: v1}
  annotations: {sidecar.istio.io/status: '{"containers":["istio-proxy"]}'}
  uid: 1234-abcd
spec:
  serviceAccountName: bookinfo-reviews
  nodeName: node-a
  hostNetwork: false
  restartPolicy: Always
  volumes: [{name: data, emptyDir: {}}]
  initContainers:
  - name: istio-init
    image: docker.io/istio/proxyv2:1.22.0
  containers:
  - name: reviews
    image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1
    ports: [{name: http, containerPort: 9080, protocol: TCP}]
    resources: {requests: {cpu: 10m}}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.22.0
    ports: [{name: http-envoy-prom, containerPort: 15090}]
status:
  phase: Running
  hostIP: 192.168.1.10
  podIP: 10.0.0.5
  podIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]
  conditions:
  - {type: Initialized, status: "True"}
  - {type: Ready, status: "True", lastTransitionTime: "2024-01-01T00:00:00Z"}
)";

constexpr const char* kPodJson = R"({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "reviews-v1-0", "namespace": "bookinfo",
    "labels": {"app": "reviews", "version": "v1"},
    "annotations": {"sidecar.istio.io/status": "{\"containers\":[\"istio-proxy\"]}"},
    "uid": "1234-abcd"},
  "spec": {"serviceAccountName": "bookinfo-reviews", "nodeName": "node-a", "hostNetwork": false,
    "restartPolicy": "Always", "volumes": [{"name": "data", "emptyDir": {}}],
    "initContainers": [{"name": "istio-init", "image": "docker.io/istio/proxyv2:1.22.0"}],
    "containers": [
      {"name": "reviews", "image": "docker.io/istio/examples-bookinfo-reviews-v1:1.20.1",
       "ports": [{"name": "http", "containerPort": 9080, "protocol": "TCP"}],
       "resources": {"requests": {"cpu": "10m"}}},
      {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.22.0",
       "ports": [{"name": "http-envoy-prom", "containerPort": 15090}]}]},
  "status": {"phase": "Running", "hostIP": "192.168.1.10", "podIP": "10.0.0.5",
    "podIPs": [{"ip": "10.0.0.5"}, {"ip": "fd00::5"}],
    "conditions": [{"type": "Initialized", "status": "True"},
      {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}]}
})";

TEST(Pod, ReadsEveryField) {
  auto pod = only<Pod>(kPod);
  EXPECT_EQ(pod.meta.labels.at("version"), "v1");
  EXPECT_EQ(pod.service_account(), "bookinfo-reviews");
  EXPECT_EQ(pod.node_name, "node-a");
  EXPECT_FALSE(pod.host_network);
  ASSERT_EQ(pod.containers.size(), 2u);
  EXPECT_EQ(pod.containers[0].ports[0], (ContainerPort{"http", 9080, K8sProtocol::kTcp}));
  EXPECT_EQ(pod.init_containers[0].name, "istio-init");
  EXPECT_TRUE(pod.has_sidecar());
  EXPECT_EQ(pod.phase, Pod::Phase::kRunning);
  EXPECT_EQ(pod.host_ip, "192.168.1.10");
  EXPECT_EQ(pod.pod_ip, "10.0.0.5");
  EXPECT_EQ(pod.pod_ips, (std::vector<std::string>{"10.0.0.5", "fd00::5"}));
  EXPECT_TRUE(pod.ready());
}

TEST(Pod, JsonEqualsYaml) { EXPECT_EQ(only<Pod>(kPodJson), only<Pod>(kPod)); }

TEST(Pod, WithoutProxyOrReadiness) {
  auto pod = only<Pod>(R"(
apiVersion: v1
kind: Pod
metadata: {name: plain}
spec:
  serviceAccount: legacy
  containers: [{name: app}]
status:
  phase: Pending
  conditions: [{type: Ready, status: "False"}]
)");
  EXPECT_FALSE(pod.has_sidecar());
  EXPECT_FALSE(pod.ready());
  EXPECT_EQ(pod.service_account(), "legacy");
  EXPECT_EQ(pod.phase, Pod::Phase::kPending);
}

TEST(Pod, NativeSidecarCounts) {
  auto pod = only<Pod>(R"(
apiVersion: v1
kind: Pod
metadata: {name: native}
spec:
  initContainers: [{name: istio-proxy, restartPolicy: Always}]
  containers: [{name: app}]
)");
  EXPECT_TRUE(pod.has_sidecar());
  EXPECT_EQ(pod.service_account(), "default");
}

TEST(ServiceAccount, ReadsEveryField) {
  auto sa = only<ServiceAccount>(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: bookinfo-reviews, namespace: bookinfo}
secrets: [{name: token-abc}]
imagePullSecrets: [{name: registry}]
automountServiceAccountToken: false
)");
  EXPECT_EQ(sa.meta.name, "bookinfo-reviews");
  EXPECT_EQ(sa.secrets, std::vector<std::string>{"token-abc"});
  EXPECT_EQ(sa.image_pull_secrets, std::vector<std::string>{"registry"});
  EXPECT_EQ(sa.automount_service_account_token, false);
  auto json = only<ServiceAccount>(
      R"({"apiVersion": "v1", "kind": "ServiceAccount",
          "metadata": {"name": "bookinfo-reviews", "namespace": "bookinfo"},
          "secrets": [{"name": "token-abc"}], "imagePullSecrets": [{"name": "registry"}],
          "automountServiceAccountToken": false})");
  EXPECT_EQ(json, sa);
}

TEST(Namespace, ReadsLabelsAndPhase) {
  auto ns = only<Namespace>(R"(
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels: {istio-injection: enabled, istio.io/rev: canary}
spec: {finalizers: [kubernetes]}
status: {phase: Terminating}
)");
  EXPECT_EQ(ns.meta.name, "bookinfo");
  EXPECT_EQ(ns.meta.labels.at("istio-injection"), "enabled");
  EXPECT_EQ(ns.phase, Namespace::Phase::kTerminating);
  auto json = only<Namespace>(R"({"apiVersion": "v1", "kind": "Namespace",
      "metadata": {"name": "bookinfo",
                   "labels": {"istio-injection": "enabled", "istio.io/rev": "canary"}},
      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Terminating"}})");
  EXPECT_EQ(json, ns);
}

TEST(Secret, DecodesBase64AndMergesStringData) {
  auto s = only<Secret>(R"(
apiVersion: v1
kind: Secret
metadata: {name: bookinfo-credential, namespace: istio-system}
type: kubernetes.io/tls
immutable: true
data:
  tls.crt: Y2VydA==
  tls.key: a2V5
  ca.crt: |
    Y2Et
    cm9vdA==
stringData:
  tls.key: override
  note: plain
)");
  EXPECT_EQ(s.type, "kubernetes.io/tls");
  EXPECT_EQ(s.immutable, true);
  EXPECT_EQ(s.data.at("tls.crt"), "cert");
  EXPECT_EQ(s.data.at("ca.crt"), "ca-root");
  EXPECT_EQ(s.data.at("tls.key"), "override");
  EXPECT_EQ(s.data.at("note"), "plain");
  auto json = only<Secret>(R"({"apiVersion": "v1", "kind": "Secret",
      "metadata": {"name": "bookinfo-credential", "namespace": "istio-system"},
      "type": "kubernetes.io/tls", "immutable": true,
      "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5", "ca.crt": "Y2Etcm9vdA=="},
      "stringData": {"tls.key": "override", "note": "plain"}})");
  EXPECT_EQ(json, s);
}

TEST(Secret, DefaultTypeIsOpaque) {
  auto s = only<Secret>("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
  EXPECT_EQ(s.type, "Opaque");
  EXPECT_TRUE(s.data.empty());
}

// Errors about a Secret name the key; the value (or what it decodes to) never appears.
TEST(Secret, BadBase64NamesTheKeyNotTheValue) {
  auto r = parse_and_validate(R"(
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: ns}
data:
  password: c3VwZXJzZWNyZXQ*
)",
                              "s.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "data.password");
  EXPECT_EQ(r.errors[0].line, 6);
  EXPECT_EQ(r.errors[0].object, "Secret ns/s");
  EXPECT_EQ(r.errors[0].str().find("c3VwZXJzZWNyZXQ"), std::string::npos) << r.errors[0].str();
}

TEST(ConfigMap, ReadsDataAndBinaryData) {
  auto cm = only<ConfigMap>(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
immutable: false
data:
  mesh: |
    trustDomain: example.org
  meshNetworks: 'networks: {}'
binaryData:
  blob: AAEC
)");
  EXPECT_EQ(cm.data.at("mesh"), "trustDomain: example.org\n");
  EXPECT_EQ(cm.binary_data.at("blob"), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(cm.immutable, false);
  auto json = only<ConfigMap>(R"({"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "istio", "namespace": "istio-system"}, "immutable": false,
      "data": {"mesh": "trustDomain: example.org\n", "meshNetworks": "networks: {}"},
      "binaryData": {"blob": "AAEC"}})");
  EXPECT_EQ(json, cm);
}

TEST(K8sKinds, StoreKeysUseKubernetesKindNames) {
  auto r = parse_and_validate(R"(
apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
spec: {ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: a-1, namespace: x}
addressType: IPv4
)",
                              "keys.yaml");
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(key_of(r.objects[0]), (ConfigKey{"Service", "x", "a"}));
  EXPECT_EQ(key_of(r.objects[1]), (ConfigKey{"EndpointSlice", "x", "a-1"}));
}

TEST(K8sKinds, WrongApiVersionIsAnError) {
  auto r = parse_and_validate(R"(
apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata: {name: a}
addressType: IPv4
)",
                              "v.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "apiVersion");
}

}  // namespace
}  // namespace jib::mesh
