// Gateway, Sidecar, WorkloadEntry, WorkloadGroup and the DestinationRule fields beyond the
// walking skeleton: fixtures from Istio's reference docs, and invalid objects with their reason.
#include <gtest/gtest.h>

#include "mesh/api/parse.h"
#include "mesh/config/config_store.h"
#include "test/unit/mesh/api/invalid_corpus.h"

namespace jib::mesh {
namespace {

constexpr const char* kValid = R"(apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: my-gateway, namespace: some-config-namespace}
spec:
  selector: {app: my-gateway-controller}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [uk.bookinfo.com, eu.bookinfo.com]
    tls: {httpsRedirect: true}
  - port: {number: 443, name: https-443, protocol: HTTPS}
    hosts: [uk.bookinfo.com]
    name: secure
    bind: 0.0.0.0
    tls:
      mode: MUTUAL
      credentialName: bookinfo-secret
      subjectAltNames: [spiffe://cluster.local/ns/a/sa/b]
      verifyCertificateSpki: [abc]
      verifyCertificateHash: [de:ad]
      minProtocolVersion: TLSV1_2
      maxProtocolVersion: TLSV1_3
      cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384]
  - port: {number: 9443, name: tls-passthrough, protocol: TLS}
    hosts: ["*/*.example.com"]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: ratings, namespace: prod-us1}
spec:
  workloadSelector: {labels: {app: ratings}}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: somename}
    defaultEndpoint: unix:///var/run/someuds.sock
    captureMode: IPTABLES
    connectionPool: {http: {http1MaxPendingRequests: 10}}
  - port: {number: 8443, protocol: HTTPS, name: tls}
    defaultEndpoint: 127.0.0.1:8443
    tls: {mode: SIMPLE, privateKey: /etc/k.pem, serverCertificate: /etc/c.pem}
  egress:
  - port: {number: 9080, protocol: HTTP, name: egresshttp}
    bind: 127.0.0.1
    captureMode: NONE
    hosts: [prod-us1/*]
  - hosts: ["istio-system/*", "./*", "~/*"]
  inboundConnectionPool: {tcp: {maxConnections: 100}}
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy: {host: foo.bar.svc.cluster.local, subset: v1, port: {number: 443}}
---
apiVersion: networking.istio.io/v1alpha3
kind: WorkloadEntry
metadata: {name: details-svc, namespace: bookinfo}
spec:
  serviceAccount: details-legacy
  address: 2.2.2.2
  labels: {app: details-legacy, instance-id: vm1}
  ports: {http: 8080}
  network: vm-net
  locality: us-east1/a
  weight: 10
---
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: reviews, namespace: bookinfo}
spec:
  metadata:
    labels: {app.kubernetes.io/name: reviews}
    annotations: {a: b}
  template:
    ports: {grpc: 3550, http: 8080}
    serviceAccount: default
  probe:
    initialDelaySeconds: 5
    timeoutSeconds: 3
    periodSeconds: 4
    successThreshold: 3
    failureThreshold: 3
    httpGet:
      path: /foo/bar
      host: 127.0.0.1
      port: 3100
      scheme: HTTPS
      httpHeaders: [{name: lit-header, value: "2"}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: bookinfo-ratings, namespace: prod}
spec:
  host: ratings.prod.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 30ms
        maxConnectionDuration: 1h
        idleTimeout: 1h
        tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}
      http:
        http1MaxPendingRequests: 1
        http2MaxRequests: 1000
        maxRequestsPerConnection: 10
        maxRetries: 3
        idleTimeout: 1s
        h2UpgradePolicy: UPGRADE
        useClientProtocol: true
        maxConcurrentStreams: 100
    outlierDetection:
      splitExternalLocalOriginErrors: true
      consecutiveLocalOriginFailures: 5
      consecutiveGatewayErrors: 7
      consecutive5xxErrors: 7
      interval: 5m
      baseEjectionTime: 15m
      maxEjectionPercent: 50
      minHealthPercent: 10
    loadBalancer:
      consistentHash:
        httpCookie: {name: user, path: /, ttl: 0.5s}
        ringHash: {minimumRingSize: 1024}
      localityLbSetting:
        distribute:
        - from: us-west/zone1/*
          to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}
        failoverPriority: [topology.istio.io/network]
        enabled: true
      warmup: {duration: 60s, minimumPercent: 10, aggression: 1.5}
    tls:
      mode: MUTUAL
      clientCertificate: /etc/certs/myclientcert.pem
      privateKey: /etc/certs/client_private_key.pem
      caCertificates: /etc/certs/rootcacerts.pem
      caCrl: /etc/certs/crl.pem
      sni: ratings.example.com
    portLevelSettings:
    - port: {number: 80}
      loadBalancer: {simple: LEAST_REQUEST}
      connectionPool: {tcp: {maxConnections: 5}}
      outlierDetection: {consecutive5xxErrors: 2}
      tls: {mode: ISTIO_MUTUAL}
    proxyProtocol: {version: V2}
    tunnel: {protocol: CONNECT, targetHost: 10.0.0.1, targetPort: 8443}
  subsets:
  - name: testversion
    labels: {version: v3}
    trafficPolicy:
      loadBalancer:
        consistentHash: {maglev: {tableSize: 65537}, useSourceIp: true}
)";

TEST(NetworkingKinds, DocumentedFieldsParseAndValidate) {
  auto r = parse_and_validate(kValid, "valid.yaml", ParseOptions{.strict = true});
  for (const auto& e : r.errors) ADD_FAILURE() << e.str();
  EXPECT_TRUE(r.warnings.empty()) << (r.warnings.empty() ? "" : r.warnings[0].str());
  ASSERT_EQ(r.objects.size(), 5u);
  const auto& gw = std::get<Gateway>(r.objects[0]);
  ASSERT_EQ(gw.servers.size(), 3u);
  EXPECT_TRUE(gw.servers[0].tls->https_redirect);
  EXPECT_EQ(gw.servers[1].tls->mode, ServerTLSSettings::Mode::kMutual);
  EXPECT_EQ(gw.servers[1].tls->min_protocol_version, ServerTLSSettings::ProtocolVersion::kV1_2);
  const auto& sc = std::get<Sidecar>(r.objects[1]);
  EXPECT_EQ(sc.ingress[0].capture_mode, CaptureMode::kIptables);
  EXPECT_EQ(sc.egress[1].hosts.size(), 3u);
  EXPECT_EQ(sc.outbound_traffic_policy->egress_proxy->port->number, 443u);
  const auto& we = std::get<WorkloadEntry>(r.objects[2]);
  EXPECT_EQ(we.spec.ports.at("http"), 8080u);
  EXPECT_EQ(we.spec.weight, 10u);
  const auto& wg = std::get<WorkloadGroup>(r.objects[3]);
  const auto& get = std::get<ReadinessProbe::HttpGet>(wg.probe->health_check);
  EXPECT_EQ(get.port, 3100u);
  EXPECT_EQ(get.http_headers.at(0).value, "2");
  const auto& dr = std::get<DestinationRule>(r.objects[4]);
  const auto& tp = *dr.traffic_policy;
  EXPECT_EQ(tp.connection_pool->tcp->connect_timeout, std::chrono::milliseconds(30));
  EXPECT_EQ(tp.connection_pool->http->h2_upgrade_policy,
            ConnectionPoolSettings::Http::H2UpgradePolicy::kUpgrade);
  EXPECT_EQ(tp.outlier_detection->consecutive_5xx_errors, 7u);
  const auto& cookie =
      std::get<ConsistentHashLB::HttpCookie>(tp.load_balancer->consistent_hash->hash_key);
  EXPECT_EQ(cookie.ttl, std::chrono::milliseconds(500));
  EXPECT_EQ(tp.load_balancer->locality_lb_setting->distribute[0].to.at("us-west/zone2/*"), 20u);
  EXPECT_EQ(tp.load_balancer->warmup->aggression, 1.5);
  EXPECT_EQ(tp.port_level_settings[0].port->number, 80u);
  EXPECT_EQ(tp.proxy_protocol->version, TrafficPolicy::ProxyProtocol::Version::kV2);
  EXPECT_EQ(tp.tunnel->target_port, 8443u);
  EXPECT_EQ(std::get<ConsistentHashLB::Maglev>(
                dr.subsets[0].traffic_policy->load_balancer->consistent_hash->hash_algorithm)
                .table_size,
            65537u);
}

TEST(NetworkingKinds, JsonAndYamlGiveEqualValues) {
  auto yaml = parse_yaml(R"(apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: s, namespace: ns}
spec:
  egress: [{port: {number: 80, protocol: http, name: web}, hosts: ["./*"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
)",
                         "s.yaml");
  auto json = parse_yaml(R"({"apiVersion": "networking.istio.io/v1", "kind": "Sidecar",
 "metadata": {"name": "s", "namespace": "ns"},
 "spec": {"egress": [{"port": {"number": 80, "protocol": "http", "name": "web"},
                      "hosts": ["./*"]}],
          "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"}}})",
                         "s.json");
  ASSERT_EQ(yaml.objects.size(), 1u);
  ASSERT_EQ(json.objects.size(), 1u);
  EXPECT_TRUE(same_config(yaml.objects[0], json.objects[0]));
}

struct Invalid {
  const char* name;
  const char* kind;
  const char* spec;  // YAML of the spec, flow style
  const char* field;
  const char* reason;  // a part of the message
};

const Invalid kInvalid[] = {
    {"gateway_no_servers", "Gateway", "{selector: {a: b}}", "spec.servers", "at least one"},
    {"gateway_no_hosts", "Gateway", "{servers: [{port: {number: 80, name: h, protocol: HTTP}}]}",
     "spec.servers[0].hosts", "at least one host"},
    {"gateway_bad_port", "Gateway",
     "{servers: [{port: {number: 70000, name: h, protocol: HTTP}, hosts: [a.com]}]}",
     "spec.servers[0].port.number", "between 1 and 65535"},
    {"gateway_https_without_tls", "Gateway",
     "{servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com]}]}",
     "spec.servers[0].tls", "required for protocol HTTPS"},
    {"gateway_simple_without_cert", "Gateway",
     "{servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com], "
     "tls: {mode: SIMPLE}}]}",
     "spec.servers[0].tls.credentialName", "is required for mode SIMPLE"},
    {"gateway_bad_host_namespace", "Gateway",
     "{servers: [{port: {number: 80, name: h, protocol: HTTP}, hosts: [\"Bad_NS/a.com\"]}]}",
     "spec.servers[0].hosts[0]", "invalid namespace"},
    {"gateway_unnamed_port", "Gateway",
     "{servers: [{port: {number: 80, protocol: HTTP}, hosts: [a.com]}]}",
     "spec.servers[0].port.name", "required"},
    {"sidecar_egress_host_without_namespace", "Sidecar", "{egress: [{hosts: [a.com]}]}",
     "spec.egress[0].hosts[0]", "must be namespace/host"},
    {"sidecar_catch_all_not_last", "Sidecar",
     "{egress: [{hosts: [\"./*\"]}, {port: {number: 80, name: h, protocol: HTTP}, "
     "hosts: [\"./*\"]}]}",
     "spec.egress[0]", "must be the last"},
    {"sidecar_bad_default_endpoint", "Sidecar",
     "{ingress: [{port: {number: 80, name: h, protocol: HTTP}, defaultEndpoint: "
     "\"10.1.1.1:80\"}]}",
     "spec.ingress[0].defaultEndpoint", "must be 127.0.0.1:PORT"},
    {"sidecar_egress_proxy_needs_allow_any", "Sidecar",
     "{outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: a.com, port: {number: "
     "80}}}}",
     "spec.outboundTrafficPolicy.egressProxy", "requires mode ALLOW_ANY"},
    {"sidecar_empty_selector", "Sidecar",
     "{workloadSelector: {labels: {}}, egress: [{hosts: "
     "[\"./*\"]}]}",
     "spec.workloadSelector.labels", "at least one label"},
    {"workload_entry_no_address", "WorkloadEntry", "{labels: {a: b}}", "spec.address",
     "required unless network"},
    {"workload_entry_bad_port", "WorkloadEntry", "{address: 1.1.1.1, ports: {http: 0}}",
     "spec.ports.http", "between 1 and 65535"},
    {"workload_group_template_address", "WorkloadGroup", "{template: {address: 1.1.1.1}}",
     "spec.template.address", "must be empty"},
    {"workload_group_probe_without_check", "WorkloadGroup", "{probe: {periodSeconds: 1}}",
     "spec.probe", "one of httpGet"},
    {"dr_negative_max_connections", "DestinationRule",
     "{host: a.com, trafficPolicy: {connectionPool: {tcp: {maxConnections: -1}}}}",
     "spec.trafficPolicy.connectionPool.tcp.maxConnections", "non-negative"},
    {"dr_ejection_percent", "DestinationRule",
     "{host: a.com, trafficPolicy: {outlierDetection: {maxEjectionPercent: 150}}}",
     "spec.trafficPolicy.outlierDetection.maxEjectionPercent", "between 0 and 100"},
    {"dr_consistent_hash_without_key", "DestinationRule",
     "{host: a.com, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {}}}}}",
     "spec.trafficPolicy.loadBalancer.consistentHash", "one of httpHeaderName"},
    {"dr_locality_weights", "DestinationRule",
     "{host: a.com, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: "
     "\"us/*\", to: {\"us/a/*\": 30}}]}}}}",
     "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to", "sum to 30"},
    {"dr_port_level_without_port", "DestinationRule",
     "{host: a.com, trafficPolicy: {portLevelSettings: [{loadBalancer: {simple: RANDOM}}]}}",
     "spec.trafficPolicy.portLevelSettings[0].port", "required"},
    {"dr_tunnel_without_host", "DestinationRule",
     "{host: a.com, trafficPolicy: {tunnel: {protocol: GET, targetPort: 80}}}",
     "spec.trafficPolicy.tunnel.protocol", "CONNECT or POST"},
    {"dr_short_duration", "DestinationRule",
     "{host: a.com, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1us}}}}",
     "spec.trafficPolicy.connectionPool.tcp.connectTimeout", "at least 1ms"},
};

void PrintTo(const Invalid& c, std::ostream* os) { *os << c.name; }

class NetworkingInvalid : public ::testing::TestWithParam<Invalid> {};

TEST_P(NetworkingInvalid, FailsWithFieldPathAndReason) {
  const Invalid& c = GetParam();
  const std::string text = std::string("apiVersion: networking.istio.io/v1\nkind: ") + c.kind +
                           "\nmetadata: {name: x, namespace: ns}\nspec: " + c.spec + "\n";
  auto r = testing::expect_invalid({c.name, text, c.field, c.reason});
  for (const auto& e : r.errors) EXPECT_EQ(e.object, std::string(c.kind) + " ns/x");
}

INSTANTIATE_TEST_SUITE_P(Corpus, NetworkingInvalid, ::testing::ValuesIn(kInvalid),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jib::mesh
