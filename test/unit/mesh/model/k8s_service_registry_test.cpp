// The Kubernetes service registry: Services, EndpointSlices and Pods, through the real parser and
// store, become snapshot services as istiod's kube controller builds them.
#include "mesh/model/k8s_service_registry.h"

#include <gtest/gtest.h>

#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

SnapshotPtr snapshot_of(const std::string& yaml) { return jib::testing::snapshot_from_yaml(yaml); }

constexpr const char* kReviews = R"(
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  selector: {app: reviews}
  clusterIP: 10.96.0.12
  ports:
  - {name: http-api, port: 9080, targetPort: 8080}
  - {name: grpc, port: 9090, targetPort: grpc-port}
  - {name: metrics, port: 9100, targetPort: 9100, appProtocol: http}
  - {name: dns, port: 53, protocol: UDP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-a
  namespace: bookinfo
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
ports:
- {name: http-api, port: 8080}
- {name: grpc, port: 7070}
endpoints:
- addresses: [10.0.0.5]
  conditions: {ready: true}
  zone: us-east1-b
  targetRef: {kind: Pod, namespace: bookinfo, name: reviews-v1}
- addresses: [10.0.0.6]
  conditions: {ready: false}
  targetRef: {kind: Pod, namespace: bookinfo, name: reviews-v2}
- addresses: [10.0.0.7]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-b
  namespace: bookinfo
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
ports:
- {name: http-api, port: 8080}
endpoints:
- addresses: [10.0.0.5]
- addresses: [10.0.0.8]
  targetRef: {kind: Pod, name: reviews-v3}
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1
  namespace: bookinfo
  labels: {app: reviews, version: v1}
spec:
  serviceAccountName: bookinfo-reviews
  containers: [{name: reviews, image: reviews}, {name: istio-proxy, image: proxyv2}]
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v3
  namespace: bookinfo
  labels: {app: reviews, version: v3}
spec:
  containers: [{name: reviews, image: reviews}]
)";

TEST(K8sServiceRegistry, ServiceBecomesAMeshInternalStaticService) {
  auto snap = snapshot_of(kReviews);
  ASSERT_EQ(snap->services().size(), 1u);
  const Service* svc = snap->service("reviews.bookinfo.svc.cluster.local");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(svc->ns, "bookinfo");
  EXPECT_EQ(svc->resolution, ServiceEntry::Resolution::kStatic);
  EXPECT_EQ(svc->location, ServiceEntry::Location::kMeshInternal);
  EXPECT_TRUE(svc->export_to.empty());
  EXPECT_EQ(svc->source, (ConfigKey{"Service", "bookinfo", "reviews"}));
  // The UDP port is not proxied; the named targetPort is left to the slices.
  EXPECT_EQ(svc->ports, (std::vector<ServicePort>{{9080, "HTTP", "http-api", 8080},
                                                  {9090, "GRPC", "grpc", 0},
                                                  {9100, "HTTP", "metrics", 9100}}));
}

TEST(K8sServiceRegistry, ReadyEndpointsWithPodLabelsPortsAndIdentity) {
  auto snap = snapshot_of(kReviews);
  const Service* svc = snap->service("reviews.bookinfo.svc.cluster.local");
  ASSERT_NE(svc, nullptr);
  // 10.0.0.6 is not ready; 10.0.0.5 is in both slices and listed once (the first slice's).
  ASSERT_EQ(svc->endpoints.size(), 3u);
  const Endpoint& v1 = svc->endpoints[0];
  EXPECT_EQ(v1.address, "10.0.0.5");
  EXPECT_EQ(
      v1.labels,
      (Labels{{"app", "reviews"}, {"version", "v1"}, {"security.istio.io/tlsMode", "istio"}}));
  EXPECT_EQ(v1.service_account, "bookinfo-reviews");
  EXPECT_EQ(v1.locality, "/us-east1-b");
  EXPECT_EQ(v1.ports, (std::map<std::string, uint32_t>{{"http-api", 8080}, {"grpc", 7070}}));
  EXPECT_EQ(v1.port_for(svc->ports[1]), 7070u);
  EXPECT_EQ(v1.port_for(svc->ports[2]), 9100u);  // not in the slice: the service's targetPort

  // No targetRef: no labels, no identity; unknown readiness counts as ready.
  const Endpoint& bare = svc->endpoints[1];
  EXPECT_EQ(bare.address, "10.0.0.7");
  EXPECT_TRUE(bare.labels.empty());
  EXPECT_TRUE(bare.service_account.empty());
  EXPECT_TRUE(bare.locality.empty());

  // targetRef without a namespace is the slice's; a pod without a sidecar gets no tlsMode, and
  // an unset serviceAccountName is "default".
  const Endpoint& v3 = svc->endpoints[2];
  EXPECT_EQ(v3.address, "10.0.0.8");
  EXPECT_EQ(v3.labels, (Labels{{"app", "reviews"}, {"version", "v3"}}));
  EXPECT_EQ(v3.service_account, "default");
  EXPECT_EQ(v3.ports, (std::map<std::string, uint32_t>{{"http-api", 8080}}));
}

TEST(K8sServiceRegistry, NotReadyEndpointsArePublishedWhenTheServiceAsks) {
  auto snap = snapshot_of(R"(
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  ports: [{port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: data, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{port: 15432}]
endpoints:
- addresses: [10.1.0.1]
  conditions: {ready: false}
)");
  const Service* svc = snap->service("db.data.svc.cluster.local");
  ASSERT_NE(svc, nullptr);
  // Headless is listed all the same; an unnamed port is TCP.
  EXPECT_EQ(svc->ports, (std::vector<ServicePort>{{5432, "TCP", "", 0}}));
  ASSERT_EQ(svc->endpoints.size(), 1u);
  // The single unnamed slice port belongs to the only service port.
  EXPECT_EQ(svc->endpoints[0].port_for(svc->ports[0]), 15432u);
}

TEST(K8sServiceRegistry, ExportToAnnotationOtherNamespacesAndExternalName) {
  auto snap = snapshot_of(R"(
apiVersion: v1
kind: Service
metadata:
  name: private
  namespace: a
  annotations: {networking.istio.io/exportTo: ". , b"}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: a}
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: other-ns, namespace: b, labels: {kubernetes.io/service-name: private}}
addressType: IPv4
endpoints: [{addresses: [10.2.0.1]}]
)");
  ASSERT_EQ(snap->services().size(), 1u);
  const Service& svc = snap->services()[0];
  EXPECT_EQ(svc.hostname, "private.a.svc.cluster.local");
  EXPECT_EQ(svc.export_to, (std::vector<std::string>{".", "b"}));
  // Slices of another namespace are not the service's.
  EXPECT_TRUE(svc.endpoints.empty());
  EXPECT_EQ(snap->services_for("a").size(), 1u);
  EXPECT_EQ(snap->services_for("b").size(), 1u);
  EXPECT_TRUE(snap->services_for("c").empty());
}

TEST(K8sServiceRegistry, KubernetesServiceWinsOverAServiceEntryOfTheSameHost) {
  auto snap = snapshot_of(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: squat, namespace: aaa}
spec:
  hosts: [web.shop.svc.cluster.local]
  ports: [{number: 80, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.9.9.9}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{name: http, port: 80}]
)");
  ASSERT_EQ(snap->services().size(), 1u);
  const Service* svc = snap->service("web.shop.svc.cluster.local");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(svc->source.kind, "Service");
  EXPECT_EQ(svc->ports[0].protocol, "HTTP");
  EXPECT_TRUE(svc->endpoints.empty());
}

K8sServicePort port(std::string name, std::string app_protocol = "") {
  K8sServicePort p;
  p.name = std::move(name);
  p.port = 80;
  p.app_protocol = std::move(app_protocol);
  return p;
}

TEST(K8sServiceRegistry, ProtocolSelectionAsIstio) {
  EXPECT_EQ(k8s_port_protocol(port("http")), "HTTP");
  EXPECT_EQ(k8s_port_protocol(port("http-web")), "HTTP");
  EXPECT_EQ(k8s_port_protocol(port("HTTP2-x")), "HTTP2");
  EXPECT_EQ(k8s_port_protocol(port("grpc-x")), "GRPC");
  EXPECT_EQ(k8s_port_protocol(port("grpc-web")), "GRPC-WEB");
  EXPECT_EQ(k8s_port_protocol(port("grpc-web-ui")), "GRPC-WEB");
  EXPECT_EQ(k8s_port_protocol(port("https-admin")), "HTTPS");
  EXPECT_EQ(k8s_port_protocol(port("tls")), "TLS");
  EXPECT_EQ(k8s_port_protocol(port("tcp-db")), "TCP");
  EXPECT_EQ(k8s_port_protocol(port("mongo")), "MONGO");
  // No known prefix: TCP ("httpx" is not "http", "web-http" has no prefix).
  EXPECT_EQ(k8s_port_protocol(port("httpx")), "TCP");
  EXPECT_EQ(k8s_port_protocol(port("web-http")), "TCP");
  EXPECT_EQ(k8s_port_protocol(port("")), "TCP");
  // appProtocol comes first, and replaces the name even when Istio does not know it.
  EXPECT_EQ(k8s_port_protocol(port("tcp", "http")), "HTTP");
  EXPECT_EQ(k8s_port_protocol(port("web", "GRPC")), "GRPC");
  EXPECT_EQ(k8s_port_protocol(port("http", "example.com/custom")), "TCP");
  EXPECT_EQ(k8s_port_protocol(port("x", "kubernetes.io/h2c")), "HTTP2");
  EXPECT_EQ(k8s_port_protocol(port("x", "kubernetes.io/ws")), "HTTP");
  EXPECT_EQ(k8s_port_protocol(port("x", "kubernetes.io/wss")), "HTTPS");
}

}  // namespace
}  // namespace jib::mesh
