// MeshConfig: Istio's defaults for what is left out, every typed field read from YAML and JSON,
// Istio's checks, and the `mesh` key of the istio ConfigMap.
#include "mesh/api/mesh_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "mesh/api/parse.h"
#include "test/unit/mesh/api/invalid_corpus.h"

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;

TEST(MeshConfig, EmptyGivesIstioDefaults) {
  auto r = parse_mesh_config("", "mesh.yaml");
  ASSERT_TRUE(r.ok());
  const MeshConfig& mc = r.config;
  EXPECT_EQ(mc.trust_domain, "cluster.local");
  EXPECT_EQ(mc.root_namespace, "istio-system");
  EXPECT_TRUE(mc.enable_auto_mtls);
  EXPECT_EQ(mc.outbound_traffic_policy.mode, MeshOutboundTrafficPolicy::Mode::kAllowAny);
  EXPECT_EQ(mc.connect_timeout, 10s);
  EXPECT_EQ(mc.protocol_detection_timeout, 0s);
  EXPECT_EQ(mc.dns_refresh_rate, 60s);
  EXPECT_EQ(mc.proxy_listen_port, 15001u);
  EXPECT_EQ(mc.proxy_inbound_listen_port, 15006u);
  EXPECT_EQ(mc.ingress_class, "istio");
  EXPECT_EQ(mc.ingress_service, "istio-ingressgateway");
  EXPECT_EQ(mc.ingress_controller_mode, MeshConfig::IngressControllerMode::kStrict);
  EXPECT_EQ(mc.default_service_export_to, std::vector<std::string>{"*"});
  EXPECT_TRUE(mc.enable_prometheus_merge);
  EXPECT_EQ(mc.default_config.discovery_address, "istiod.istio-system.svc:15012");
  EXPECT_EQ(mc.default_config.drain_duration, 45s);
  EXPECT_EQ(mc.default_config.termination_drain_duration, 5s);
  EXPECT_EQ(mc.default_config.proxy_admin_port, 15000u);
  EXPECT_EQ(mc.default_config.status_port, 15020u);
  EXPECT_EQ(mc.default_config.control_plane_auth_policy, ProxyConfig::AuthPolicy::kMutualTls);
  ASSERT_TRUE(mc.default_config.tracing.has_value());
  EXPECT_EQ(std::get<Zipkin>(mc.default_config.tracing->tracer).address,
            "zipkin.istio-system:9411");
  EXPECT_TRUE(mc.extension_providers.empty());
  EXPECT_EQ(r.config, MeshConfig{});
}

constexpr const char* kFull = R"(
trustDomain: example.org
trustDomainAliases: [old.example.org]
rootNamespace: mesh-root
outboundTrafficPolicy: {mode: REGISTRY_ONLY}
enableAutoMtls: false
enableTracing: false
enablePrometheusMerge: false
accessLogFile: /dev/stdout
accessLogFormat: "[%START_TIME%]"
accessLogEncoding: JSON
connectTimeout: 5s
protocolDetectionTimeout: 100ms
dnsRefreshRate: 30s
proxyListenPort: 15011
proxyInboundListenPort: 15016
proxyHttpPort: 15080
tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}
ingressClass: mesh
ingressService: my-ingress
ingressControllerMode: DEFAULT
ingressSelector: my-gateway
defaultServiceExportTo: ["."]
defaultVirtualServiceExportTo: [".", istio-system]
defaultDestinationRuleExportTo: ["."]
h2UpgradePolicy: UPGRADE
inboundClusterStatName: "inbound|%SERVICE_PORT%"
outboundClusterStatName: "%SERVICE%_%SERVICE_PORT%"
meshMTLS: {minProtocolVersion: TLSV1_3}
tlsDefaults: {ecdhCurves: [P-256], cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384], minProtocolVersion: TLSV1_2}
discoverySelectors:
- matchLabels: {env: prod}
- matchExpressions: [{key: team, operator: In, values: [a, b]}]
defaultProviders: {tracing: [otel], metrics: [prometheus], accessLogging: [file]}
defaultConfig:
  configPath: /etc/istio/proxy
  binaryPath: /usr/bin/envoy
  serviceCluster: my-cluster
  drainDuration: 30s
  terminationDrainDuration: 10s
  discoveryAddress: jibd.jib-system.svc:15012
  proxyAdminPort: 15001
  statusPort: 15021
  statNameLength: 100
  concurrency: 4
  controlPlaneAuthPolicy: NONE
  customConfigFile: /etc/custom.json
  tracing: {datadog: {address: "$(HOST_IP):8126"}, sampling: 12.5, maxPathTagLength: 256}
  proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true"}
  holdApplicationUntilProxyStarts: true
  interceptionMode: TPROXY
  proxyStatsMatcher: {inclusionPrefixes: [cluster.outbound], inclusionSuffixes: [upstream_rq_timeout], inclusionRegexps: [".*circuit_breakers.*"]}
  extraStatTags: [request_host]
  gatewayTopology: {numTrustedProxies: 2}
  meshId: mesh1
extensionProviders:
- name: authz-http
  envoyExtAuthzHttp:
    service: ext-authz.foo.svc.cluster.local
    port: 8000
    timeout: 2s
    pathPrefix: /check
    failOpen: true
    statusOnError: "503"
    includeRequestHeadersInCheck: [x-ext-authz]
    includeAdditionalHeadersInCheck: {x-added: "yes"}
    includeRequestBodyInCheck: {maxRequestBytes: 1024, allowPartialMessage: true, packAsBytes: true}
    headersToUpstreamOnAllow: [x-user]
    headersToDownstreamOnDeny: [x-reason]
    headersToDownstreamOnAllow: [x-trace]
- name: authz-grpc
  envoyExtAuthzGrpc: {service: ext-authz-grpc.foo.svc.cluster.local, port: 9000, timeout: 1s, failOpen: true, statusOnError: "403", includeRequestBodyInCheck: {maxRequestBytes: 10}}
- name: zipkin
  zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411, maxTagLength: 56, enable64bitTraceId: true, path: /api/v2/spans}
- name: dd
  datadog: {service: datadog-agent.dd.svc.cluster.local, port: 8126, maxTagLength: 100}
- name: sky
  skywalking: {service: oap.skywalking.svc.cluster.local, port: 11800, accessToken: token}
- name: otel
  opentelemetry: {service: otel-collector.otel.svc.cluster.local, port: 4317, maxTagLength: 256}
- name: prometheus
  prometheus: {}
- name: stackdriver
  stackdriver: {maxTagLength: 256}
- name: file
  envoyFileAccessLog: {path: /dev/stdout, logFormat: {labels: {method: "%REQ(:METHOD)%"}}}
- name: http-als
  envoyHttpAls: {service: als.foo.svc.cluster.local, port: 9001, logName: http, filterStateObjectsToLog: [wasm.x], additionalRequestHeadersToLog: [x-a], additionalResponseHeadersToLog: [x-b]}
- name: tcp-als
  envoyTcpAls: {service: als.foo.svc.cluster.local, port: 9001, logName: tcp, filterStateObjectsToLog: [wasm.y]}
- name: otel-als
  envoyOtelAls: {service: otel-collector.otel.svc.cluster.local, port: 4317, logName: otel, logFormat: {text: "%START_TIME%"}}
)";

TEST(MeshConfig, ReadsEveryField) {
  auto r = parse_mesh_config(kFull, "mesh.yaml");
  ASSERT_TRUE(r.ok()) << r.errors[0].str();
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0].str();
  const MeshConfig& mc = r.config;
  EXPECT_EQ(mc.trust_domain, "example.org");
  EXPECT_EQ(mc.trust_domain_aliases, std::vector<std::string>{"old.example.org"});
  EXPECT_EQ(mc.root_namespace, "mesh-root");
  EXPECT_EQ(mc.outbound_traffic_policy.mode, MeshOutboundTrafficPolicy::Mode::kRegistryOnly);
  EXPECT_FALSE(mc.enable_auto_mtls);
  EXPECT_FALSE(mc.enable_tracing);
  EXPECT_FALSE(mc.enable_prometheus_merge);
  EXPECT_EQ(mc.access_log_file, "/dev/stdout");
  EXPECT_EQ(mc.access_log_encoding, MeshConfig::AccessLogEncoding::kJson);
  EXPECT_EQ(mc.connect_timeout, 5s);
  EXPECT_EQ(mc.protocol_detection_timeout, 100ms);
  EXPECT_EQ(mc.dns_refresh_rate, 30s);
  EXPECT_EQ(mc.proxy_http_port, 15080u);
  ASSERT_TRUE(mc.tcp_keepalive.has_value());
  EXPECT_EQ(mc.tcp_keepalive->probes, 3u);
  EXPECT_EQ(mc.tcp_keepalive->interval, Duration(75s));
  EXPECT_EQ(mc.ingress_controller_mode, MeshConfig::IngressControllerMode::kDefault);
  EXPECT_EQ(mc.ingress_selector, "my-gateway");
  EXPECT_EQ(mc.default_virtual_service_export_to, (std::vector<std::string>{".", "istio-system"}));
  EXPECT_EQ(mc.h2_upgrade_policy, MeshConfig::H2UpgradePolicy::kUpgrade);
  EXPECT_EQ(mc.mesh_mtls->min_protocol_version, "TLSV1_3");
  EXPECT_EQ(mc.tls_defaults->ecdh_curves, std::vector<std::string>{"P-256"});
  ASSERT_EQ(mc.discovery_selectors.size(), 2u);
  EXPECT_EQ(mc.discovery_selectors[1].match_expressions[0],
            (LabelSelectorRequirement{"team", "In", {"a", "b"}}));
  EXPECT_EQ(mc.default_providers.access_logging, std::vector<std::string>{"file"});

  const ProxyConfig& pc = mc.default_config;
  EXPECT_EQ(pc.service_cluster, "my-cluster");
  EXPECT_EQ(pc.drain_duration, 30s);
  EXPECT_EQ(pc.concurrency, 4);
  EXPECT_EQ(pc.control_plane_auth_policy, ProxyConfig::AuthPolicy::kNone);
  EXPECT_EQ(std::get<Datadog>(pc.tracing->tracer).address, "$(HOST_IP):8126");
  EXPECT_EQ(pc.tracing->sampling, 12.5);
  EXPECT_EQ(pc.proxy_metadata.at("ISTIO_META_DNS_CAPTURE"), "true");
  EXPECT_TRUE(pc.hold_application_until_proxy_starts);
  EXPECT_EQ(pc.interception_mode, ProxyConfig::InterceptionMode::kTproxy);
  EXPECT_EQ(pc.proxy_stats_matcher->inclusion_regexps,
            std::vector<std::string>{".*circuit_breakers.*"});
  EXPECT_EQ(pc.gateway_topology->num_trusted_proxies, 2u);
  EXPECT_EQ(pc.mesh_id, "mesh1");

  ASSERT_EQ(mc.extension_providers.size(), 12u);
  const auto& http = std::get<EnvoyExternalAuthorizationHttp>(mc.provider("authz-http")->provider);
  EXPECT_EQ(http.port, 8000u);
  EXPECT_EQ(http.timeout, Duration(2s));
  EXPECT_EQ(http.include_request_body_in_check->max_request_bytes, 1024u);
  EXPECT_EQ(http.include_additional_headers_in_check.at("x-added"), "yes");
  EXPECT_EQ(http.headers_to_downstream_on_allow, std::vector<std::string>{"x-trace"});
  EXPECT_TRUE(
      std::holds_alternative<EnvoyExternalAuthorizationGrpc>(mc.provider("authz-grpc")->provider));
  EXPECT_TRUE(std::get<ZipkinProvider>(mc.provider("zipkin")->provider).enable_64bit_trace_id);
  EXPECT_EQ(std::get<SkywalkingProvider>(mc.provider("sky")->provider).access_token, "token");
  EXPECT_TRUE(std::holds_alternative<PrometheusProvider>(mc.provider("prometheus")->provider));
  const auto& file = std::get<EnvoyFileAccessLogProvider>(mc.provider("file")->provider);
  EXPECT_EQ((std::get<std::map<std::string, std::string>>(file.log_format->format).at("method")),
            "%REQ(:METHOD)%");
  EXPECT_EQ(std::get<ExtensionProvider::HttpAls>(mc.provider("http-als")->provider)
                .additional_response_headers_to_log,
            std::vector<std::string>{"x-b"});
  EXPECT_EQ(std::get<ExtensionProvider::TcpAls>(mc.provider("tcp-als")->provider).log_name, "tcp");
  EXPECT_EQ(std::get<std::string>(
                std::get<EnvoyOpenTelemetryLogProvider>(mc.provider("otel-als")->provider)
                    .log_format->format),
            "%START_TIME%");
  EXPECT_EQ(mc.provider("nope"), nullptr);
}

// Only what is given changes: the rest of defaultConfig keeps Istio's defaults.
TEST(MeshConfig, PartialDefaultConfigKeepsOtherDefaults) {
  auto r = parse_mesh_config("defaultConfig: {concurrency: 0}\n", "m.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.default_config.concurrency, 0);
  EXPECT_EQ(r.config.default_config.discovery_address, "istiod.istio-system.svc:15012");
  EXPECT_EQ(r.config.trust_domain, "cluster.local");
}

TEST(MeshConfig, JsonEqualsYaml) {
  auto yaml = parse_mesh_config(R"(
trustDomain: td.example
outboundTrafficPolicy: {mode: REGISTRY_ONLY}
defaultConfig: {drainDuration: 10s, tracing: {zipkin: {address: z:9411}, sampling: 1}}
extensionProviders:
- {name: opa, envoyExtAuthzGrpc: {service: opa.opa.svc.cluster.local, port: 9191}}
)",
                                "m.yaml");
  auto json = parse_mesh_config(R"({"trustDomain": "td.example",
    "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"},
    "defaultConfig": {"drainDuration": "10s",
                      "tracing": {"zipkin": {"address": "z:9411"}, "sampling": 1}},
    "extensionProviders": [{"name": "opa", "envoyExtAuthzGrpc":
                            {"service": "opa.opa.svc.cluster.local", "port": 9191}}]})",
                                "m.json");
  ASSERT_TRUE(yaml.ok() && json.ok());
  EXPECT_EQ(yaml.config, json.config);
}

// Each a MeshConfig (not an object) with one thing wrong.
const testing::InvalidCase kBad[] = {
    {"connect_timeout_too_short", "connectTimeout: 0s", "connectTimeout", "at least 1ms"},
    {"bad_trust_domain", "trustDomain: 'bad domain'", "trustDomain", "has a character"},
    {"bad_root_namespace", "rootNamespace: Istio_System", "rootNamespace", "invalid namespace"},
    {"bad_outbound_mode", "outboundTrafficPolicy: {mode: DENY}", "outboundTrafficPolicy.mode",
     "expected one of REGISTRY_ONLY, ALLOW_ANY"},
    {"status_equals_admin_port", "defaultConfig: {statusPort: 15000}", "defaultConfig.statusPort",
     "must differ from proxyAdminPort"},
    {"bad_discovery_address", "defaultConfig: {discoveryAddress: istiod}",
     "defaultConfig.discoveryAddress", "host:port"},
    {"sampling_over_100", "defaultConfig: {tracing: {sampling: 150}}",
     "defaultConfig.tracing.sampling", "between 0 and 100"},
    {"provider_without_kind", "extensionProviders: [{name: x}]", "extensionProviders[0]",
     "provider kind"},
    {"provider_duplicate_name",
     "extensionProviders: [{name: p, prometheus: {}}, {name: p, prometheus: {}}]",
     "extensionProviders[1].name", "duplicate"},
    {"provider_missing_service", "extensionProviders: [{name: z, zipkin: {port: 9411}}]",
     "extensionProviders[0].zipkin.service", "required"},
    {"provider_bad_port",
     "extensionProviders: [{name: a, envoyExtAuthzHttp: {service: a.b.svc, port: 0}}]",
     "extensionProviders[0].envoyExtAuthzHttp.port", "between 1 and 65535"},
    {"provider_bad_status_on_error",
     "extensionProviders: [{name: a, envoyExtAuthzGrpc: {service: a.b.svc, port: 9, "
     "statusOnError: teapot}}]",
     "extensionProviders[0].envoyExtAuthzGrpc.statusOnError", "not an HTTP status code"},
    {"provider_two_kinds", "extensionProviders: [{name: a, prometheus: {}, stackdriver: {}}]",
     "extensionProviders[0]", "exactly one provider kind"},
    {"selector_bad_operator",
     "discoverySelectors: [{matchExpressions: [{key: a, operator: Maybe}]}]",
     "discoverySelectors[0].matchExpressions[0].operator", "not In, NotIn"},
};

TEST(MeshConfig, InvalidCorpus) {
  for (const auto& b : kBad) {
    auto r = parse_mesh_config(b.yaml, "mesh.yaml");
    ASSERT_FALSE(r.ok()) << b.name;
    EXPECT_TRUE(testing::has_error(r.errors, b.field, b.message))
        << b.name << ": got" << testing::describe(r.errors);
    EXPECT_EQ(r.config, MeshConfig{}) << b.name << ": a bad config must not be half applied";
    EXPECT_EQ(r.errors[0].line, 1) << b.name;
  }
}

TEST(MeshConfig, UnknownFieldIsAWarningNamingIt) {
  auto r = parse_mesh_config("trustDomain: a.b\nfutureField: 1\n", "m.yaml");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "futureField");
  EXPECT_EQ(r.warnings[0].line, 2);
  EXPECT_EQ(r.config.trust_domain, "a.b");
}

TEST(MeshConfig, FromIstioConfigMap) {
  auto parsed = parse_and_validate(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    trustDomain: corp.example
    enableAutoMtls: false
    defaultConfig:
      discoveryAddress: jibd.istio-system.svc:15012
)",
                                   "istio-cm.yaml");
  ASSERT_EQ(parsed.objects.size(), 1u);
  auto r = mesh_config_from_config_map(std::get<ConfigMap>(parsed.objects[0]));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.trust_domain, "corp.example");
  EXPECT_FALSE(r.config.enable_auto_mtls);
  EXPECT_EQ(r.config.default_config.discovery_address, "jibd.istio-system.svc:15012");
  EXPECT_EQ(r.config.root_namespace, "istio-system");
}

TEST(MeshConfig, ConfigMapErrorsNameTheConfigMapAndKey) {
  ConfigMap cm;
  cm.meta.name = "istio";
  cm.meta.ns = "istio-system";
  cm.meta.source = {"cm.yaml", 4};
  cm.data["mesh"] = "trustDomain: ok\nconnectTimeout: 0s\n";
  auto r = mesh_config_from_config_map(cm);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(),
            "cm.yaml:4: ConfigMap istio-system/istio: data.mesh.connectTimeout: duration must be "
            "at least 1ms (line 2 of data.mesh)");
  cm.data.clear();
  EXPECT_EQ(mesh_config_from_config_map(cm).config, MeshConfig{});
}

TEST(MeshConfig, LoadsAFile) {
  const std::string path = ::testing::TempDir() + "/mesh-config-test.yaml";
  {
    std::ofstream out(path);
    out << "rootNamespace: jib-system\n";
  }
  auto r = load_mesh_config_file(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.root_namespace, "jib-system");
  std::remove(path.c_str());
  auto missing = load_mesh_config_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.errors[0].message, "cannot read: No such file or directory");
}

TEST(MeshConfig, MalformedYamlIsAnErrorWithALine) {
  auto r = parse_mesh_config("trustDomain: a\ndefaultConfig: [unclosed\n", "m.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_GT(r.errors[0].line, 0);
}

}  // namespace
}  // namespace jib::mesh
