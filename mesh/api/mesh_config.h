// MeshConfig: mesh-wide settings, from the `mesh` key of the `istio` ConfigMap or from the file
// given by --mesh-config. Every member starts at Istio's default, so a config that leaves a field
// out gets what Istio would give it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mesh/api/config_error.h"
#include "mesh/api/destination_rule.h"  // TcpKeepalive, shared with ConnectionPoolSettings
#include "mesh/api/input_limits.h"
#include "mesh/api/k8s_config_map.h"
#include "mesh/api/object_meta.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

struct Zipkin {
  std::string address = "zipkin.istio-system:9411";
  bool operator==(const Zipkin&) const = default;
};
struct Datadog {
  std::string address;
  bool operator==(const Datadog&) const = default;
};

// ProxyConfig.tracing: the tracer oneof and the sampling rate (percent).
struct TracingConfig {
  std::variant<Zipkin, Datadog> tracer;
  std::optional<double> sampling;
  uint32_t max_path_tag_length = 0;
  bool operator==(const TracingConfig&) const = default;
};

struct ProxyStatsMatcher {
  std::vector<std::string> inclusion_prefixes;
  std::vector<std::string> inclusion_suffixes;
  std::vector<std::string> inclusion_regexps;
  bool operator==(const ProxyStatsMatcher&) const = default;
};

struct GatewayTopology {
  uint32_t num_trusted_proxies = 0;
  bool operator==(const GatewayTopology&) const = default;
};

// The common fields of ProxyConfig (MeshConfig.defaultConfig), with Istio's defaults.
struct ProxyConfig {
  enum class AuthPolicy { kNone, kMutualTls, kInherit };
  enum class InterceptionMode { kRedirect, kTproxy, kNone };

  std::string config_path = "./etc/istio/proxy";
  std::string binary_path = "/usr/local/bin/envoy";
  std::string service_cluster = "istio-proxy";
  Duration drain_duration = std::chrono::seconds(45);
  Duration termination_drain_duration = std::chrono::seconds(5);
  std::string discovery_address = "istiod.istio-system.svc:15012";
  uint32_t proxy_admin_port = 15000;
  uint32_t status_port = 15020;
  uint32_t stat_name_length = 189;
  // Worker threads; 0 means one per core. Unset: Istio's injector sets 2.
  std::optional<int32_t> concurrency;
  AuthPolicy control_plane_auth_policy = AuthPolicy::kMutualTls;
  std::string custom_config_file;
  std::optional<TracingConfig> tracing = TracingConfig{};
  std::map<std::string, std::string> proxy_metadata;
  bool hold_application_until_proxy_starts = false;
  InterceptionMode interception_mode = InterceptionMode::kRedirect;
  std::optional<ProxyStatsMatcher> proxy_stats_matcher;
  std::vector<std::string> extra_stat_tags;
  std::optional<GatewayTopology> gateway_topology;
  std::string mesh_id;
  bool operator==(const ProxyConfig&) const = default;
};

struct MeshOutboundTrafficPolicy {
  enum class Mode { kRegistryOnly, kAllowAny };
  Mode mode = Mode::kAllowAny;
  bool operator==(const MeshOutboundTrafficPolicy&) const = default;
};

// ---- extensionProviders: a name and exactly one provider (the oneof) ----

struct RequestBodyOptions {
  uint32_t max_request_bytes = 0;
  bool allow_partial_message = false;
  bool pack_as_bytes = false;
  bool operator==(const RequestBodyOptions&) const = default;
};

struct EnvoyExternalAuthorizationHttp {
  std::string service;
  uint32_t port = 0;
  std::optional<Duration> timeout;
  std::string path_prefix;
  bool fail_open = false;
  std::string status_on_error;
  std::vector<std::string> include_request_headers_in_check;
  std::map<std::string, std::string> include_additional_headers_in_check;
  std::optional<RequestBodyOptions> include_request_body_in_check;
  std::vector<std::string> headers_to_upstream_on_allow;
  std::vector<std::string> headers_to_downstream_on_deny;
  std::vector<std::string> headers_to_downstream_on_allow;
  bool operator==(const EnvoyExternalAuthorizationHttp&) const = default;
};

struct EnvoyExternalAuthorizationGrpc {
  std::string service;
  uint32_t port = 0;
  std::optional<Duration> timeout;
  bool fail_open = false;
  std::string status_on_error;
  std::optional<RequestBodyOptions> include_request_body_in_check;
  bool operator==(const EnvoyExternalAuthorizationGrpc&) const = default;
};

// Tracers that name a collector by service and port.
struct ZipkinProvider {
  std::string service;
  uint32_t port = 0;
  uint32_t max_tag_length = 0;
  bool enable_64bit_trace_id = false;
  std::string path;
  bool operator==(const ZipkinProvider&) const = default;
};
struct DatadogProvider {
  std::string service;
  uint32_t port = 0;
  uint32_t max_tag_length = 0;
  bool operator==(const DatadogProvider&) const = default;
};
struct SkywalkingProvider {
  std::string service;
  uint32_t port = 0;
  std::string access_token;
  bool operator==(const SkywalkingProvider&) const = default;
};
struct OpenTelemetryProvider {
  std::string service;
  uint32_t port = 0;
  uint32_t max_tag_length = 0;
  bool operator==(const OpenTelemetryProvider&) const = default;
};
struct PrometheusProvider {
  bool operator==(const PrometheusProvider&) const = default;
};
struct StackdriverProvider {
  uint32_t max_tag_length = 0;
  bool operator==(const StackdriverProvider&) const = default;
};

// An access-log format: plain text, or JSON with these labels (the oneof).
struct LogFormat {
  std::variant<std::string, std::map<std::string, std::string>> format;
  bool operator==(const LogFormat&) const = default;
};

struct EnvoyFileAccessLogProvider {
  std::string path;
  std::optional<LogFormat> log_format;
  bool operator==(const EnvoyFileAccessLogProvider&) const = default;
};

// envoyHttpAls and envoyTcpAls: gRPC access-log services.
struct EnvoyGrpcAlsProvider {
  std::string service;
  uint32_t port = 0;
  std::string log_name;
  std::vector<std::string> filter_state_objects_to_log;
  std::vector<std::string> additional_request_headers_to_log;   // HTTP only
  std::vector<std::string> additional_response_headers_to_log;  // HTTP only
  bool operator==(const EnvoyGrpcAlsProvider&) const = default;
};

struct EnvoyOpenTelemetryLogProvider {
  std::string service;
  uint32_t port = 0;
  std::string log_name;
  std::optional<LogFormat> log_format;
  bool operator==(const EnvoyOpenTelemetryLogProvider&) const = default;
};

struct ExtensionProvider {
  struct HttpAls : EnvoyGrpcAlsProvider {
    bool operator==(const HttpAls&) const = default;
  };
  struct TcpAls : EnvoyGrpcAlsProvider {
    bool operator==(const TcpAls&) const = default;
  };
  using Provider =
      std::variant<std::monostate, EnvoyExternalAuthorizationHttp, EnvoyExternalAuthorizationGrpc,
                   ZipkinProvider, DatadogProvider, SkywalkingProvider, OpenTelemetryProvider,
                   PrometheusProvider, StackdriverProvider, EnvoyFileAccessLogProvider, HttpAls,
                   TcpAls, EnvoyOpenTelemetryLogProvider>;

  std::string name;
  Provider provider;  // monostate only while decoding; validation requires one
  bool operator==(const ExtensionProvider&) const = default;
};

// Providers used when a Telemetry resource names none.
struct DefaultProviders {
  std::vector<std::string> tracing;
  std::vector<std::string> metrics;
  std::vector<std::string> access_logging;
  bool operator==(const DefaultProviders&) const = default;
};

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

// A Kubernetes LabelSelector, as discoverySelectors use it.
struct LabelSelector {
  Labels match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool operator==(const LabelSelector&) const = default;
};

struct TlsConfig {
  std::string min_protocol_version;  // TLS_AUTO, TLSV1_2, TLSV1_3
  std::vector<std::string> ecdh_curves;
  std::vector<std::string> cipher_suites;
  bool operator==(const TlsConfig&) const = default;
};

struct MeshConfig {
  enum class AccessLogEncoding { kText, kJson };
  enum class IngressControllerMode { kUnspecified, kOff, kDefault, kStrict };
  enum class H2UpgradePolicy { kDoNotUpgrade, kUpgrade };

  std::string trust_domain = "cluster.local";
  std::vector<std::string> trust_domain_aliases;
  std::string root_namespace = "istio-system";
  MeshOutboundTrafficPolicy outbound_traffic_policy;
  ProxyConfig default_config;
  std::vector<ExtensionProvider> extension_providers;
  DefaultProviders default_providers;
  bool enable_auto_mtls = true;
  bool enable_tracing = true;
  bool enable_prometheus_merge = true;
  std::string access_log_file;
  std::string access_log_format;
  AccessLogEncoding access_log_encoding = AccessLogEncoding::kText;
  Duration connect_timeout = std::chrono::seconds(10);
  Duration protocol_detection_timeout = Duration::zero();
  Duration dns_refresh_rate = std::chrono::seconds(60);
  uint32_t proxy_listen_port = 15001;
  uint32_t proxy_inbound_listen_port = 15006;
  uint32_t proxy_http_port = 0;
  std::optional<TcpKeepalive> tcp_keepalive;
  std::string ingress_class = "istio";
  std::string ingress_service = "istio-ingressgateway";
  IngressControllerMode ingress_controller_mode = IngressControllerMode::kStrict;
  std::string ingress_selector = "ingressgateway";
  std::vector<std::string> default_service_export_to = {"*"};
  std::vector<std::string> default_virtual_service_export_to = {"*"};
  std::vector<std::string> default_destination_rule_export_to = {"*"};
  H2UpgradePolicy h2_upgrade_policy = H2UpgradePolicy::kDoNotUpgrade;
  std::vector<LabelSelector> discovery_selectors;
  std::string inbound_cluster_stat_name;
  std::string outbound_cluster_stat_name;
  std::optional<TlsConfig> mesh_mtls;
  std::optional<TlsConfig> tls_defaults;
  bool operator==(const MeshConfig&) const = default;

  // The provider of that name, or nullptr.
  const ExtensionProvider* provider(std::string_view name) const;
};
using MeshConfigPtr = std::shared_ptr<const MeshConfig>;

struct MeshConfigResult {
  MeshConfig config;      // Istio's defaults overlaid with what parsed; defaults alone on errors
  ConfigErrors errors;    // parse and validation errors; the config is not to be used if any
  ConfigErrors warnings;  // unknown fields, ignored
  bool ok() const { return errors.empty(); }
};

// Parses a MeshConfig in YAML or JSON over Istio's defaults, then validates it. Never throws.
MeshConfigResult parse_mesh_config(std::string_view text, const std::string& file_name);

// Reads and parses a --mesh-config file. A missing, unreadable or larger file is an error.
MeshConfigResult load_mesh_config_file(const std::string& path,
                                       size_t max_bytes = kDefaultMaxConfigFileBytes);

// The `mesh` key of the istio ConfigMap; Istio's defaults when the key is absent. Errors name
// the ConfigMap ("ConfigMap istio-system/istio: data.mesh: ...").
MeshConfigResult mesh_config_from_config_map(const ConfigMap& config_map);

// The name of the ConfigMap that holds MeshConfig, in the control plane's namespace.
inline constexpr std::string_view kMeshConfigMapName = "istio";
inline constexpr std::string_view kMeshConfigKey = "mesh";

}  // namespace jib::mesh
