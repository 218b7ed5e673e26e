#include "xds/translate/generators.h"

#include <gtest/gtest.h>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "test/unit/xds/test_support.h"

namespace jib::xds {
namespace {

using testing::find;
using testing::sidecar;
using testing::snapshot_from_yaml;
using testing::unpack;

constexpr const char* kWeb = R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: default}
spec:
  hosts: [web.example.com]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 18080, name: http, protocol: HTTP}]
  endpoints:
  - {address: 127.0.0.1, ports: {http: 18081}, labels: {version: v1}}
  - {address: 127.0.0.2, ports: {http: 18082}, labels: {version: v2}, locality: us/east/a}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: default}
spec:
  host: web.example.com
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
)";

constexpr const char* kWeightedRoute = R"(
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web.example.com]
  http:
  - match: [{uri: {prefix: /v2}}]
    route: [{destination: {host: web.example.com, subset: v2}}]
  - route:
    - {destination: {host: web.example.com, subset: v1}, weight: 80}
    - {destination: {host: web.example.com, subset: v2}, weight: 20}
)";

TEST(ClusterGenerator, ServicePortAndSubsetsBecomeEdsClusters) {
  auto snapshot = snapshot_from_yaml(kWeb);
  auto clusters = generate_clusters(*snapshot, sidecar());
  for (const char* name :
       {"outbound|18080||web.example.com", "outbound|18080|v1|web.example.com",
        "outbound|18080|v2|web.example.com", "BlackHoleCluster", "PassthroughCluster"}) {
    EXPECT_NE(find(*clusters, name), nullptr) << name;
  }
  auto cluster = unpack<envoy::config::cluster::v3::Cluster>(
      *find(*clusters, "outbound|18080|v1|web.example.com"));
  EXPECT_EQ(cluster.type(), envoy::config::cluster::v3::Cluster::EDS);
  EXPECT_EQ(cluster.eds_cluster_config().service_name(), "outbound|18080|v1|web.example.com");
  EXPECT_TRUE(cluster.eds_cluster_config().eds_config().has_ads());
}

TEST(EndpointGenerator, SubsetsSelectEndpointsByLabel) {
  auto snapshot = snapshot_from_yaml(kWeb);
  auto endpoints = generate_endpoints(*snapshot, sidecar());
  auto all = unpack<envoy::config::endpoint::v3::ClusterLoadAssignment>(
      *find(*endpoints, "outbound|18080||web.example.com"));
  int count = 0;
  for (const auto& group : all.endpoints()) count += group.lb_endpoints_size();
  EXPECT_EQ(count, 2);
  auto v2 = unpack<envoy::config::endpoint::v3::ClusterLoadAssignment>(
      *find(*endpoints, "outbound|18080|v2|web.example.com"));
  ASSERT_EQ(v2.endpoints_size(), 1);
  EXPECT_EQ(v2.endpoints(0).locality().region(), "us");
  EXPECT_EQ(v2.endpoints(0).locality().zone(), "east");
  EXPECT_EQ(v2.endpoints(0).locality().sub_zone(), "a");
  const auto& socket = v2.endpoints(0).lb_endpoints(0).endpoint().address().socket_address();
  EXPECT_EQ(socket.address(), "127.0.0.2");
  EXPECT_EQ(socket.port_value(), 18082u);
}

TEST(ListenerGenerator, NoInterceptionBindsLoopbackPerPort) {
  auto snapshot = snapshot_from_yaml(kWeb);
  auto listeners = generate_listeners(*snapshot, sidecar("default", /*capture=*/false));
  ASSERT_EQ(listeners->size(), 1u);
  auto listener = unpack<envoy::config::listener::v3::Listener>(listeners->front());
  EXPECT_EQ(listener.name(), "127.0.0.1_18080");
  EXPECT_EQ(listener.address().socket_address().address(), "127.0.0.1");
  EXPECT_FALSE(listener.has_bind_to_port());
  envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager hcm;
  ASSERT_TRUE(listener.filter_chains(0).filters(0).typed_config().UnpackTo(&hcm));
  EXPECT_EQ(hcm.rds().route_config_name(), "18080");
  ASSERT_EQ(hcm.http_filters_size(), 1);
  EXPECT_EQ(hcm.http_filters(0).name(), "envoy.filters.http.router");
}

TEST(ListenerGenerator, CaptureAddsVirtualOutboundAndUnboundPortListeners) {
  auto snapshot = snapshot_from_yaml(kWeb);
  auto listeners = generate_listeners(*snapshot, sidecar("default", /*capture=*/true));
  ASSERT_NE(find(*listeners, "virtualOutbound"), nullptr);
  auto port = unpack<envoy::config::listener::v3::Listener>(*find(*listeners, "0.0.0.0_18080"));
  EXPECT_FALSE(port.bind_to_port().value());
}

TEST(RouteGenerator, VirtualServiceBecomesMatchesAndWeightedClusters) {
  auto snapshot = snapshot_from_yaml(std::string(kWeb) + kWeightedRoute);
  auto routes = generate_routes(*snapshot, sidecar());
  ASSERT_EQ(routes->size(), 1u);
  auto config = unpack<envoy::config::route::v3::RouteConfiguration>(routes->front());
  EXPECT_EQ(config.name(), "18080");
  ASSERT_EQ(config.virtual_hosts_size(), 1);  // no allow_any without capture
  const auto& host = config.virtual_hosts(0);
  EXPECT_EQ(host.name(), "web.example.com:18080");
  ASSERT_EQ(host.routes_size(), 2);
  EXPECT_EQ(host.routes(0).match().prefix(), "/v2");
  EXPECT_EQ(host.routes(0).route().cluster(), "outbound|18080|v2|web.example.com");
  const auto& weighted = host.routes(1).route().weighted_clusters();
  ASSERT_EQ(weighted.clusters_size(), 2);
  EXPECT_EQ(weighted.clusters(0).name(), "outbound|18080|v1|web.example.com");
  EXPECT_EQ(weighted.clusters(0).weight().value(), 80u);
  EXPECT_EQ(weighted.clusters(1).weight().value(), 20u);
}

TEST(RouteGenerator, HostWithoutVirtualServiceGetsDefaultRoute) {
  auto snapshot = snapshot_from_yaml(kWeb);
  auto routes = generate_routes(*snapshot, sidecar("default", /*capture=*/true));
  auto config = unpack<envoy::config::route::v3::RouteConfiguration>(routes->front());
  ASSERT_EQ(config.virtual_hosts_size(), 2);
  EXPECT_EQ(config.virtual_hosts(0).routes(0).route().cluster(), "outbound|18080||web.example.com");
  EXPECT_EQ(config.virtual_hosts(1).name(), "allow_any");
}

TEST(Generators, ServiceExportedToItsNamespaceOnlyIsInvisibleElsewhere) {
  auto snapshot = snapshot_from_yaml(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: private, namespace: a}
spec:
  hosts: [private.example.com]
  exportTo: ["."]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 9000, name: http, protocol: HTTP}]
  endpoints: [{address: 127.0.0.9}]
)");
  EXPECT_NE(find(*generate_clusters(*snapshot, sidecar("a")), "outbound|9000||private.example.com"),
            nullptr);
  EXPECT_EQ(find(*generate_clusters(*snapshot, sidecar("b")), "outbound|9000||private.example.com"),
            nullptr);
  EXPECT_TRUE(generate_routes(*snapshot, sidecar("b"))->empty());
}

TEST(Generators, SameInputSameHashes) {
  auto a = generate_routes(*snapshot_from_yaml(std::string(kWeb) + kWeightedRoute), sidecar());
  auto b = generate_routes(*snapshot_from_yaml(std::string(kWeb) + kWeightedRoute), sidecar());
  ASSERT_EQ(a->size(), b->size());
  EXPECT_EQ(a->front().hash, b->front().hash);
  auto c = generate_routes(*snapshot_from_yaml(kWeb), sidecar());
  EXPECT_NE(a->front().hash, c->front().hash);
}

}  // namespace
}  // namespace jib::xds
