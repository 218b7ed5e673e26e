// Mesh mTLS in generated config: inbound listeners from Sidecar ingress with PeerAuthentication
// filter chains and XFCC, Sidecar egress binds and host imports, auto mTLS and ISTIO_MUTUAL
// clusters with secure naming, and the endpoint metadata that auto mTLS keys on.
#include <gtest/gtest.h>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"
#include "test/unit/xds/test_support.h"
#include "xds/translate/generators.h"

namespace jib::xds {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::endpoint::v3::ClusterLoadAssignment;
using envoy::config::listener::v3::Listener;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using envoy::extensions::transport_sockets::tls::v3::DownstreamTlsContext;
using envoy::extensions::transport_sockets::tls::v3::UpstreamTlsContext;
using testing::find;
using testing::snapshot_from_yaml;
using testing::unpack;
using testing::workload;

// B: a mesh workload in ns-b with two HTTP ports and a Sidecar ingress for each; A: a client in
// ns-a whose Sidecar binds its outbound listeners on 127.0.1.2 and imports only ns-b.
constexpr const char* kMesh = R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: b, namespace: ns-b}
spec:
  hosts: [b.ns-b.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 9080, name: http, protocol: HTTP}, {number: 9081, name: tcp, protocol: TCP}]
  endpoints:
  - address: 127.0.0.3
    labels: {app: b, security.istio.io/tlsMode: istio}
    serviceAccount: sa-b
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: other, namespace: ns-c}
spec:
  hosts: [other.ns-c.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 7000, name: http, protocol: HTTP}]
  endpoints: [{address: 127.0.0.9}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: b, namespace: ns-b}
spec:
  workloadSelector: {labels: {app: b}}
  ingress:
  - {port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: "127.0.0.1:8080"}
  - {port: {number: 9081, protocol: TCP, name: tcp}, defaultEndpoint: "0.0.0.0:8081"}
  egress:
  - {bind: 127.0.1.3, hosts: ["./*"]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: a, namespace: ns-a}
spec:
  workloadSelector: {labels: {app: a}}
  egress:
  - {bind: 127.0.1.2, hosts: ["ns-b/*"]}
)";

Proxy proxy_b() { return workload("ns-b", "127.0.0.3", {{"app", "b"}}); }
Proxy proxy_a() { return workload("ns-a", "127.0.0.2", {{"app", "a"}}); }

// The generated resource of that name, unpacked; a test failure when there is none.
template <typename T>
T generated(const ResourcesPtr& all, const std::string& name) {
  const Resource* r = find(*all, name);
  if (!r) {
    ADD_FAILURE() << "no resource " << name;
    return {};
  }
  return unpack<T>(*r);
}

Listener listener(const mesh::Snapshot& snapshot, const Proxy& proxy, const std::string& name) {
  return generated<Listener>(generate_listeners(snapshot, proxy), name);
}

Cluster cluster(const mesh::Snapshot& snapshot, const Proxy& proxy, const std::string& name) {
  return generated<Cluster>(generate_clusters(snapshot, proxy), name);
}

std::string peer_authentication(const std::string& ns, const std::string& mode,
                                const std::string& extra = "") {
  return "\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: pa, "
         "namespace: " +
         ns + "}\nspec:\n  mtls: {mode: " + mode + "}\n" + extra;
}

// Transport protocol of each chain's match, "" when it matches anything.
std::vector<std::string> chain_transports(const Listener& l) {
  std::vector<std::string> out;
  for (const auto& chain : l.filter_chains()) {
    out.push_back(chain.filter_chain_match().transport_protocol());
  }
  return out;
}

TEST(InboundListener, SidecarIngressBindsTheProxyIpAndForwardsToTheDefaultEndpoint) {
  auto snapshot = snapshot_from_yaml(kMesh);
  Listener l = listener(*snapshot, proxy_b(), "127.0.0.3_9080");
  EXPECT_EQ(l.address().socket_address().address(), "127.0.0.3");
  EXPECT_EQ(l.address().socket_address().port_value(), 9080u);
  EXPECT_EQ(l.traffic_direction(), envoy::config::core::v3::INBOUND);
  Cluster http = cluster(*snapshot, proxy_b(), "inbound|9080||");
  EXPECT_EQ(http.type(), Cluster::STATIC);
  const auto& socket =
      http.load_assignment().endpoints(0).lb_endpoints(0).endpoint().address().socket_address();
  EXPECT_EQ(socket.address(), "127.0.0.1");
  EXPECT_EQ(socket.port_value(), 8080u);
  // 0.0.0.0 in defaultEndpoint means the workload's own IP.
  Cluster tcp = cluster(*snapshot, proxy_b(), "inbound|9081||");
  EXPECT_EQ(tcp.load_assignment()
                .endpoints(0)
                .lb_endpoints(0)
                .endpoint()
                .address()
                .socket_address()
                .address(),
            "127.0.0.3");
  // A proxy without ingress (A) gets no inbound listener nor cluster.
  auto a_clusters = generate_clusters(*snapshot, proxy_a());
  EXPECT_EQ(find(*a_clusters, "inbound|9080||"), nullptr);
}

TEST(InboundListener, DefaultIsPermissive_MeshMtlsByAlpnPlaintextAndForeignTls) {
  auto snapshot = snapshot_from_yaml(kMesh);
  Listener l = listener(*snapshot, proxy_b(), "127.0.0.3_9080");
  ASSERT_EQ(l.listener_filters_size(), 1);
  EXPECT_EQ(l.listener_filters(0).name(), "envoy.filters.listener.tls_inspector");
  EXPECT_EQ(chain_transports(l), (std::vector<std::string>{"tls", "raw_buffer", "tls"}));
  const auto& mtls = l.filter_chains(0);
  EXPECT_EQ(mtls.filter_chain_match().application_protocols_size(), 5);
  EXPECT_EQ(mtls.filter_chain_match().application_protocols(0), "istio-peer-exchange");
  DownstreamTlsContext tls;
  ASSERT_TRUE(mtls.transport_socket().typed_config().UnpackTo(&tls));
  EXPECT_TRUE(tls.require_client_certificate().value());
  EXPECT_EQ(tls.common_tls_context().tls_certificate_sds_secret_configs(0).name(), "default");
  const auto& validation = tls.common_tls_context().combined_validation_context();
  EXPECT_EQ(validation.validation_context_sds_secret_config().name(), "ROOTCA");
  EXPECT_EQ(validation.validation_context_sds_secret_config()
                .sds_config()
                .api_config_source()
                .grpc_services(0)
                .envoy_grpc()
                .cluster_name(),
            "sds-grpc");
  EXPECT_EQ(
      validation.default_validation_context().match_typed_subject_alt_names(0).matcher().prefix(),
      "spiffe://");
  // The foreign-TLS chain passes bytes through: it must not parse them as HTTP.
  EXPECT_EQ(l.filter_chains(2).filters(0).name(), "envoy.filters.network.tcp_proxy");
  EXPECT_EQ(l.filter_chains(1).filters(0).name(), "envoy.filters.network.http_connection_manager");
}

TEST(InboundListener, InboundHttpForwardsThePeerIdentityInXfcc) {
  auto snapshot = snapshot_from_yaml(kMesh);
  Listener l = listener(*snapshot, proxy_b(), "127.0.0.3_9080");
  HttpConnectionManager hcm;
  ASSERT_TRUE(l.filter_chains(0).filters(0).typed_config().UnpackTo(&hcm));
  EXPECT_EQ(hcm.forward_client_cert_details(), HttpConnectionManager::APPEND_FORWARD);
  EXPECT_TRUE(hcm.normalize_path().value());
  EXPECT_TRUE(hcm.set_current_client_cert_details().uri());
  EXPECT_TRUE(hcm.set_current_client_cert_details().dns());
  EXPECT_TRUE(hcm.set_current_client_cert_details().subject().value());
  EXPECT_EQ(hcm.route_config().virtual_hosts(0).routes(0).route().cluster(), "inbound|9080||");
}

TEST(InboundListener, StrictAcceptsOnlyMeshMtls) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) + peer_authentication("ns-b", "STRICT"));
  Listener l = listener(*snapshot, proxy_b(), "127.0.0.3_9080");
  EXPECT_EQ(chain_transports(l), (std::vector<std::string>{"tls"}));
  EXPECT_EQ(l.filter_chains(0).filter_chain_match().application_protocols_size(), 0);
  Listener tcp = listener(*snapshot, proxy_b(), "127.0.0.3_9081");
  EXPECT_EQ(chain_transports(tcp), (std::vector<std::string>{"tls"}));
  EXPECT_EQ(tcp.filter_chains(0).filters(0).name(), "envoy.filters.network.tcp_proxy");
}

TEST(InboundListener, DisableIsPlaintextOnlyWithoutTlsInspection) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) + peer_authentication("ns-b", "DISABLE"));
  Listener l = listener(*snapshot, proxy_b(), "127.0.0.3_9080");
  EXPECT_EQ(l.listener_filters_size(), 0);
  EXPECT_EQ(chain_transports(l), (std::vector<std::string>{""}));
  EXPECT_FALSE(l.filter_chains(0).has_transport_socket());
}

TEST(InboundListener, PortLevelModeOverridesTheWorkloadMode) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) +
                                     peer_authentication("ns-b", "STRICT",
                                                         R"(  selector: {matchLabels: {app: b}}
  portLevelMtls:
    9081: {mode: DISABLE}
)"));
  EXPECT_EQ(chain_transports(listener(*snapshot, proxy_b(), "127.0.0.3_9080")),
            (std::vector<std::string>{"tls"}));
  EXPECT_EQ(chain_transports(listener(*snapshot, proxy_b(), "127.0.0.3_9081")),
            (std::vector<std::string>{""}));
}

TEST(EgressListeners, SidecarEgressBindsItsAddressAndImportsOnlyItsHosts) {
  auto snapshot = snapshot_from_yaml(kMesh);
  auto listeners = generate_listeners(*snapshot, proxy_a());
  EXPECT_NE(find(*listeners, "127.0.1.2_9080"), nullptr);
  EXPECT_NE(find(*listeners, "127.0.1.2_9081"), nullptr);
  EXPECT_EQ(find(*listeners, "127.0.1.2_7000"), nullptr);  // ns-c is not imported
  EXPECT_EQ(find(*listeners, "127.0.0.1_9080"), nullptr);
  auto clusters = generate_clusters(*snapshot, proxy_a());
  EXPECT_NE(find(*clusters, "outbound|9080||b.ns-b.svc.cluster.local"), nullptr);
  EXPECT_EQ(find(*clusters, "outbound|7000||other.ns-c.svc.cluster.local"), nullptr);
  // B's egress imports only its own namespace ("./*").
  auto b_listeners = generate_listeners(*snapshot, proxy_b());
  EXPECT_NE(find(*b_listeners, "127.0.1.3_9080"), nullptr);
  EXPECT_EQ(find(*b_listeners, "127.0.1.3_7000"), nullptr);
}

TEST(EgressListeners, NoSidecarKeepsTheDefaultEgressOnLocalhost) {
  auto snapshot = snapshot_from_yaml(kMesh);
  auto listeners = generate_listeners(*snapshot, workload("ns-c", "127.0.0.9", {}));
  EXPECT_NE(find(*listeners, "127.0.0.1_9080"), nullptr);
  EXPECT_NE(find(*listeners, "127.0.0.1_7000"), nullptr);
}

UpstreamTlsContext upstream_tls(const envoy::config::core::v3::TransportSocket& socket) {
  UpstreamTlsContext tls;
  EXPECT_EQ(socket.name(), "envoy.transport_sockets.tls");
  EXPECT_TRUE(socket.typed_config().UnpackTo(&tls));
  return tls;
}

TEST(UpstreamTls, AutoMtlsMatchesTlsModeEndpointsAndVerifiesTheirServiceAccounts) {
  auto snapshot = snapshot_from_yaml(kMesh);
  Cluster c = cluster(*snapshot, proxy_a(), "outbound|9080||b.ns-b.svc.cluster.local");
  EXPECT_FALSE(c.has_transport_socket());
  ASSERT_EQ(c.transport_socket_matches_size(), 2);
  const auto& mtls = c.transport_socket_matches(0);
  EXPECT_EQ(mtls.match().fields().at("tlsMode").string_value(), "istio");
  UpstreamTlsContext tls = upstream_tls(mtls.transport_socket());
  EXPECT_EQ(tls.sni(), "outbound_.9080_._.b.ns-b.svc.cluster.local");
  const auto& common = tls.common_tls_context();
  EXPECT_EQ(common.tls_certificate_sds_secret_configs(0).name(), "default");
  EXPECT_EQ(common.combined_validation_context().validation_context_sds_secret_config().name(),
            "ROOTCA");
  const auto& sans = common.combined_validation_context().default_validation_context();
  ASSERT_EQ(sans.match_typed_subject_alt_names_size(), 1);
  EXPECT_EQ(sans.match_typed_subject_alt_names(0).matcher().exact(),
            "spiffe://cluster.local/ns/ns-b/sa/sa-b");
  EXPECT_EQ(common.alpn_protocols(0), "istio-http/1.1");
  EXPECT_EQ(c.transport_socket_matches(1).match().fields_size(), 0);
  EXPECT_EQ(c.transport_socket_matches(1).transport_socket().name(),
            "envoy.transport_sockets.raw_buffer");
  // TCP ports offer Istio's TCP ALPN.
  Cluster tcp = cluster(*snapshot, proxy_a(), "outbound|9081||b.ns-b.svc.cluster.local");
  EXPECT_EQ(upstream_tls(tcp.transport_socket_matches(0).transport_socket())
                .common_tls_context()
                .alpn_protocols(0),
            "istio-peer-exchange");
}

TEST(UpstreamTls, ExternalServicesAndDisabledAutoMtlsStayPlaintext) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) + R"(
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: ns-b}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
)");
  Cluster ext = cluster(*snapshot, proxy_a(), "outbound|443||api.example.com");
  EXPECT_FALSE(ext.has_transport_socket());
  EXPECT_EQ(ext.transport_socket_matches_size(), 0);

  auto config = std::make_shared<mesh::MeshConfig>();
  config->enable_auto_mtls = false;
  auto no_auto = mesh::Snapshot::build(testing::state_from_yaml(kMesh), config);
  Cluster c = cluster(*no_auto, proxy_a(), "outbound|9080||b.ns-b.svc.cluster.local");
  EXPECT_EQ(c.transport_socket_matches_size(), 0);
  EXPECT_FALSE(c.has_transport_socket());
}

std::string destination_rule_tls(const std::string& mode, const std::string& extra = "") {
  return R"(
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: b, namespace: ns-a}
spec:
  host: b.ns-b.svc.cluster.local
  trafficPolicy:
    tls: {mode: )" +
         mode + "}\n" + extra;
}

TEST(UpstreamTls, DestinationRuleIstioMutualForcesMtlsAndDisableForcesPlaintext) {
  auto mutual = snapshot_from_yaml(std::string(kMesh) + destination_rule_tls("ISTIO_MUTUAL"));
  Cluster c = cluster(*mutual, proxy_a(), "outbound|9080||b.ns-b.svc.cluster.local");
  EXPECT_EQ(c.transport_socket_matches_size(), 0);
  UpstreamTlsContext tls = upstream_tls(c.transport_socket());
  EXPECT_EQ(tls.common_tls_context()
                .combined_validation_context()
                .default_validation_context()
                .match_typed_subject_alt_names(0)
                .matcher()
                .exact(),
            "spiffe://cluster.local/ns/ns-b/sa/sa-b");

  auto disable = snapshot_from_yaml(std::string(kMesh) + destination_rule_tls("DISABLE"));
  Cluster plain = cluster(*disable, proxy_a(), "outbound|9080||b.ns-b.svc.cluster.local");
  EXPECT_FALSE(plain.has_transport_socket());
  EXPECT_EQ(plain.transport_socket_matches_size(), 0);
}

TEST(UpstreamTls, PortLevelTlsOverridesTheRuleForThatPortOnly) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) +
                                     destination_rule_tls("ISTIO_MUTUAL", R"(    portLevelSettings:
    - port: {number: 9081}
      tls: {mode: DISABLE}
)"));
  EXPECT_TRUE(cluster(*snapshot, proxy_a(), "outbound|9080||b.ns-b.svc.cluster.local")
                  .has_transport_socket());
  EXPECT_FALSE(cluster(*snapshot, proxy_a(), "outbound|9081||b.ns-b.svc.cluster.local")
                   .has_transport_socket());
}

bool endpoint_has_tls_mode(const mesh::Snapshot& snapshot, const std::string& name,
                           const Proxy& proxy = proxy_a()) {
  auto all = generate_endpoints(snapshot, proxy);
  const Resource* r = find(*all, name);
  if (!r) {
    ADD_FAILURE() << "no assignment " << name;
    return false;
  }
  auto assignment = unpack<ClusterLoadAssignment>(*r);
  const auto& metadata = assignment.endpoints(0).lb_endpoints(0).metadata().filter_metadata();
  auto it = metadata.find("envoy.transport_socket_match");
  return it != metadata.end() && it->second.fields().at("tlsMode").string_value() == "istio";
}

TEST(AutoMtlsEndpoints, TlsModeLabelBecomesMetadataUnlessTheWorkloadDisablesMtls) {
  auto snapshot = snapshot_from_yaml(kMesh);
  EXPECT_TRUE(endpoint_has_tls_mode(*snapshot, "outbound|9080||b.ns-b.svc.cluster.local"));
  // Without the label (no sidecar there) the endpoint gets plaintext.
  EXPECT_FALSE(endpoint_has_tls_mode(*snapshot, "outbound|7000||other.ns-c.svc.cluster.local",
                                     workload("ns-c", "127.0.0.9", {})));
  auto disabled = snapshot_from_yaml(std::string(kMesh) + peer_authentication("ns-b", "DISABLE"));
  EXPECT_FALSE(endpoint_has_tls_mode(*disabled, "outbound|9080||b.ns-b.svc.cluster.local"));
  auto port_disabled = snapshot_from_yaml(
      std::string(kMesh) +
      peer_authentication("ns-b", "STRICT", R"(  selector: {matchLabels: {app: b}}
  portLevelMtls:
    9081: {mode: DISABLE}
)"));
  EXPECT_TRUE(endpoint_has_tls_mode(*port_disabled, "outbound|9080||b.ns-b.svc.cluster.local"));
  EXPECT_FALSE(endpoint_has_tls_mode(*port_disabled, "outbound|9081||b.ns-b.svc.cluster.local"));
}

}  // namespace
}  // namespace jib::xds

namespace jib::xds {
namespace {

// A captured sidecar (REDIRECT) at B's address, without a Sidecar: its service instances give
// the inbound ports.
Proxy captured_b() {
  Proxy proxy = workload("ns-c", "127.0.0.9", {});
  proxy.interception = Proxy::InterceptionMode::kRedirect;
  return proxy;
}

TEST(VirtualInbound, CapturedSidecarMatchesEachInstancePortByOriginalDestination) {
  auto snapshot = snapshot_from_yaml(std::string(kMesh) + peer_authentication("ns-c", "STRICT"));
  auto listeners = generate_listeners(*snapshot, captured_b());
  const Resource* r = find(*listeners, "virtualInbound");
  ASSERT_NE(r, nullptr);
  Listener l = unpack<Listener>(*r);
  EXPECT_EQ(l.address().socket_address().port_value(), 15006u);
  EXPECT_TRUE(l.use_original_dst().value());
  ASSERT_EQ(l.listener_filters_size(), 2);
  EXPECT_EQ(l.listener_filters(0).name(), "envoy.filters.listener.original_dst");
  // The loop guard, then port 7000's STRICT chain; other ports pass through.
  ASSERT_EQ(l.filter_chains_size(), 2);
  EXPECT_EQ(l.filter_chains(0).filter_chain_match().destination_port().value(), 15006u);
  EXPECT_EQ(l.filter_chains(1).filter_chain_match().destination_port().value(), 7000u);
  EXPECT_EQ(l.filter_chains(1).filter_chain_match().transport_protocol(), "tls");
  EXPECT_EQ(l.default_filter_chain().name(), "virtualInbound-passthrough");
  // Inbound clusters go to the original destination from 127.0.0.6.
  auto clusters = generate_clusters(*snapshot, captured_b());
  const Resource* inbound = find(*clusters, "inbound|7000||");
  ASSERT_NE(inbound, nullptr);
  Cluster c = unpack<Cluster>(*inbound);
  EXPECT_EQ(c.type(), Cluster::ORIGINAL_DST);
  EXPECT_EQ(c.upstream_bind_config().source_address().address(), "127.0.0.6");
  EXPECT_NE(find(*clusters, "InboundPassthroughCluster"), nullptr);
}

TEST(VirtualInbound, NoInstancesNoInboundChainsButStillAListener) {
  auto snapshot = snapshot_from_yaml(kMesh);
  Proxy proxy = captured_b();
  proxy.ip = "10.9.9.9";
  Listener l = unpack<Listener>(*find(*generate_listeners(*snapshot, proxy), "virtualInbound"));
  EXPECT_EQ(l.filter_chains_size(), 1);  // the loop guard only
}

}  // namespace
}  // namespace jib::xds
