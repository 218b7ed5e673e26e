// Which rows of the unapplied-fields table an object sets. Each check names its row by kind and
// path; a unit test sets every row in a sample object and expects its row back.
#include <algorithm>

#include "mesh/api/unapplied_fields.h"

namespace jib::mesh {
namespace {

std::string at(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Records uses of the rows of one kind.
class Uses {
 public:
  explicit Uses(std::string kind) : kind_(std::move(kind)) {}

  // field: the path in this object; row_path: the row's path (with [] for indexes).
  void add(std::string field, std::string_view row_path) {
    const auto& table = unapplied_field_table();
    auto it = std::find_if(table.begin(), table.end(), [&](const UnappliedField& row) {
      return row.kind == kind_ && row.path == row_path;
    });
    out_.push_back({std::move(field), it == table.end() ? nullptr : &*it});
  }
  // Adds the row when set.
  void add_if(bool set, std::string field, std::string_view row_path) {
    if (set) add(std::move(field), row_path);
  }

  std::vector<UnappliedUse> take() { return std::move(out_); }

 private:
  std::string kind_;
  std::vector<UnappliedUse> out_;
};

void check_http_route(const HTTPRoute& http, const std::string& p, Uses& uses) {
  const std::string r = "spec.http[].";
  for (size_t j = 0; j < http.match.size(); ++j) {
    const std::string m = at(p + ".match", j);
    uses.add_if(!http.match[j].name.empty(), m + ".name", r + "match[].name");
    uses.add_if(!http.match[j].stat_prefix.empty(), m + ".statPrefix", r + "match[].statPrefix");
  }
  uses.add_if(http.redirect && http.redirect->derive_port, p + ".redirect.derivePort",
              r + "redirect.derivePort");
  if (http.retries) {
    const HTTPRetry& retries = *http.retries;
    uses.add_if(retries.retry_remote_localities.has_value(), p + ".retries.retryRemoteLocalities",
                r + "retries.retryRemoteLocalities");
    uses.add_if(retries.retry_ignore_previous_hosts.has_value(),
                p + ".retries.retryIgnorePreviousHosts", r + "retries.retryIgnorePreviousHosts");
    uses.add_if(retries.backoff.has_value(), p + ".retries.backoff", r + "retries.backoff");
  }
  uses.add_if(http.delegate.has_value(), p + ".delegate", r + "delegate");
  uses.add_if(http.fault.has_value(), p + ".fault", r + "fault");
  uses.add_if(http.mirror.has_value(), p + ".mirror", r + "mirror");
  uses.add_if(!http.mirrors.empty(), p + ".mirrors", r + "mirrors");
  uses.add_if(http.mirror_percentage.has_value(), p + ".mirrorPercentage", r + "mirrorPercentage");
  uses.add_if(http.mirror_percent.has_value(), p + ".mirrorPercent", r + "mirrorPercent");
  uses.add_if(http.cors_policy.has_value(), p + ".corsPolicy", r + "corsPolicy");
}

std::vector<UnappliedUse> check(const VirtualService& vs) {
  Uses uses("VirtualService");
  uses.add_if(std::any_of(vs.gateways.begin(), vs.gateways.end(),
                          [](const std::string& g) { return g != "mesh"; }),
              "spec.gateways", "spec.gateways");
  for (size_t i = 0; i < vs.http.size(); ++i)
    check_http_route(vs.http[i], at("spec.http", i), uses);
  uses.add_if(!vs.tls.empty(), "spec.tls", "spec.tls");
  uses.add_if(!vs.tcp.empty(), "spec.tcp", "spec.tcp");
  return uses.take();
}

bool unapplied_tls_mode(const std::optional<ClientTLSSettings>& tls) {
  using Mode = ClientTLSSettings::Mode;
  return tls && (tls->mode == Mode::kSimple || tls->mode == Mode::kMutual);
}

// p: this policy's path; r: its row's path.
void check_traffic_policy(const TrafficPolicy& policy, const std::string& p, const std::string& r,
                          Uses& uses) {
  uses.add_if(policy.connection_pool.has_value(), p + ".connectionPool", r + ".connectionPool");
  uses.add_if(policy.outlier_detection.has_value(), p + ".outlierDetection",
              r + ".outlierDetection");
  if (policy.load_balancer) {
    const LoadBalancerSettings& lb = *policy.load_balancer;
    const std::string lp = p + ".loadBalancer";
    const std::string lr = r + ".loadBalancer";
    uses.add_if(lb.consistent_hash.has_value(), lp + ".consistentHash", lr + ".consistentHash");
    uses.add_if(lb.locality_lb_setting.has_value(), lp + ".localityLbSetting",
                lr + ".localityLbSetting");
    uses.add_if(lb.warmup_duration_secs.has_value(), lp + ".warmupDurationSecs",
                lr + ".warmupDurationSecs");
    uses.add_if(lb.warmup.has_value(), lp + ".warmup", lr + ".warmup");
  }
  uses.add_if(unapplied_tls_mode(policy.tls), p + ".tls.mode", r + ".tls.mode");
  uses.add_if(policy.proxy_protocol.has_value(), p + ".proxyProtocol", r + ".proxyProtocol");
  uses.add_if(policy.tunnel.has_value(), p + ".tunnel", r + ".tunnel");
  for (size_t k = 0; k < policy.port_level_settings.size(); ++k) {
    const PortTrafficPolicy& port = policy.port_level_settings[k];
    const std::string pp = at(p + ".portLevelSettings", k);
    const std::string pr = r + ".portLevelSettings[]";
    uses.add_if(port.load_balancer.has_value(), pp + ".loadBalancer", pr + ".loadBalancer");
    uses.add_if(port.connection_pool.has_value(), pp + ".connectionPool", pr + ".connectionPool");
    uses.add_if(port.outlier_detection.has_value(), pp + ".outlierDetection",
                pr + ".outlierDetection");
    uses.add_if(unapplied_tls_mode(port.tls), pp + ".tls.mode", pr + ".tls.mode");
  }
}

std::vector<UnappliedUse> check(const DestinationRule& dr) {
  Uses uses("DestinationRule");
  if (dr.traffic_policy) {
    check_traffic_policy(*dr.traffic_policy, "spec.trafficPolicy", "spec.trafficPolicy", uses);
  }
  for (size_t i = 0; i < dr.subsets.size(); ++i) {
    if (!dr.subsets[i].traffic_policy) continue;
    check_traffic_policy(*dr.subsets[i].traffic_policy, at("spec.subsets", i) + ".trafficPolicy",
                         "spec.subsets[].trafficPolicy", uses);
  }
  return uses.take();
}

std::vector<UnappliedUse> check(const Sidecar& sc) {
  Uses uses("Sidecar");
  for (size_t i = 0; i < sc.ingress.size(); ++i) {
    const std::string p = at("spec.ingress", i);
    uses.add_if(sc.ingress[i].tls.has_value(), p + ".tls", "spec.ingress[].tls");
    uses.add_if(sc.ingress[i].connection_pool.has_value(), p + ".connectionPool",
                "spec.ingress[].connectionPool");
    uses.add_if(sc.ingress[i].capture_mode != CaptureMode::kDefault, p + ".captureMode",
                "spec.ingress[].captureMode");
    uses.add_if(sc.ingress[i].port && sc.ingress[i].port->target_port != 0, p + ".port.targetPort",
                "spec.ingress[].port.targetPort");
  }
  for (size_t i = 0; i < sc.egress.size(); ++i) {
    const std::string p = at("spec.egress", i);
    const std::optional<ServicePort>& port = sc.egress[i].port;
    uses.add_if(sc.egress[i].capture_mode != CaptureMode::kDefault, p + ".captureMode",
                "spec.egress[].captureMode");
    uses.add_if(port && port->target_port != 0, p + ".port.targetPort",
                "spec.egress[].port.targetPort");
    uses.add_if(port && !port->protocol.empty(), p + ".port.protocol",
                "spec.egress[].port.protocol");
  }
  uses.add_if(sc.inbound_connection_pool.has_value(), "spec.inboundConnectionPool",
              "spec.inboundConnectionPool");
  uses.add_if(sc.outbound_traffic_policy.has_value(), "spec.outboundTrafficPolicy",
              "spec.outboundTrafficPolicy");
  return uses.take();
}

std::vector<UnappliedUse> check(const ServiceEntry& se) {
  Uses uses("ServiceEntry");
  uses.add_if(!se.addresses.empty(), "spec.addresses", "spec.addresses");
  uses.add_if(!se.subject_alt_names.empty(), "spec.subjectAltNames", "spec.subjectAltNames");
  for (size_t i = 0; i < se.endpoints.size(); ++i) {
    uses.add_if(!se.endpoints[i].network.empty(), at("spec.endpoints", i) + ".network",
                "spec.endpoints[].network");
  }
  return uses.take();
}

std::vector<UnappliedUse> check(const WorkloadEntry& we) {
  Uses uses("WorkloadEntry");
  uses.add_if(!we.spec.network.empty(), "spec.network", "spec.network");
  return uses.take();
}

std::vector<UnappliedUse> whole_kind(std::string_view kind) {
  Uses uses{std::string(kind)};
  uses.add("", "");
  return uses.take();
}

bool is_ext_authz(const ExtensionProvider& provider) {
  return std::holds_alternative<EnvoyExternalAuthorizationHttp>(provider.provider) ||
         std::holds_alternative<EnvoyExternalAuthorizationGrpc>(provider.provider);
}

}  // namespace

std::vector<UnappliedUse> unapplied_fields(const MeshConfig& mc) {
  const MeshConfig d;  // Istio's defaults
  Uses uses("MeshConfig");
  auto field = [&](bool set, const char* path) { uses.add_if(set, path, path); };
  field(!mc.trust_domain_aliases.empty(), "trustDomainAliases");
  field(mc.outbound_traffic_policy.mode == MeshOutboundTrafficPolicy::Mode::kRegistryOnly,
        "outboundTrafficPolicy.mode");
  field(mc.default_config != d.default_config, "defaultConfig");
  for (size_t i = 0; i < mc.extension_providers.size(); ++i) {
    uses.add_if(!is_ext_authz(mc.extension_providers[i]), at("extensionProviders", i),
                "extensionProviders[]");
  }
  field(mc.default_providers != d.default_providers, "defaultProviders");
  field(mc.enable_tracing != d.enable_tracing, "enableTracing");
  field(mc.enable_prometheus_merge != d.enable_prometheus_merge, "enablePrometheusMerge");
  field(mc.access_log_file != d.access_log_file, "accessLogFile");
  field(mc.access_log_format != d.access_log_format, "accessLogFormat");
  field(mc.access_log_encoding != d.access_log_encoding, "accessLogEncoding");
  field(mc.connect_timeout != d.connect_timeout, "connectTimeout");
  field(mc.protocol_detection_timeout != d.protocol_detection_timeout, "protocolDetectionTimeout");
  field(mc.dns_refresh_rate != d.dns_refresh_rate, "dnsRefreshRate");
  field(mc.proxy_listen_port != d.proxy_listen_port, "proxyListenPort");
  field(mc.proxy_inbound_listen_port != d.proxy_inbound_listen_port, "proxyInboundListenPort");
  field(mc.proxy_http_port != d.proxy_http_port, "proxyHttpPort");
  field(mc.tcp_keepalive.has_value(), "tcpKeepalive");
  field(mc.ingress_class != d.ingress_class, "ingressClass");
  field(mc.ingress_service != d.ingress_service, "ingressService");
  field(mc.ingress_controller_mode != d.ingress_controller_mode, "ingressControllerMode");
  field(mc.ingress_selector != d.ingress_selector, "ingressSelector");
  field(mc.default_service_export_to != d.default_service_export_to, "defaultServiceExportTo");
  field(mc.default_virtual_service_export_to != d.default_virtual_service_export_to,
        "defaultVirtualServiceExportTo");
  field(mc.default_destination_rule_export_to != d.default_destination_rule_export_to,
        "defaultDestinationRuleExportTo");
  field(mc.h2_upgrade_policy != d.h2_upgrade_policy, "h2UpgradePolicy");
  field(!mc.discovery_selectors.empty(), "discoverySelectors");
  field(!mc.inbound_cluster_stat_name.empty(), "inboundClusterStatName");
  field(!mc.outbound_cluster_stat_name.empty(), "outboundClusterStatName");
  field(mc.mesh_mtls.has_value(), "meshMTLS");
  field(mc.tls_defaults.has_value(), "tlsDefaults");
  return uses.take();
}

std::vector<UnappliedUse> unapplied_fields(const ConfigObject& object) {
  if (const auto* vs = std::get_if<VirtualService>(&object)) return check(*vs);
  if (const auto* dr = std::get_if<DestinationRule>(&object)) return check(*dr);
  if (const auto* sc = std::get_if<Sidecar>(&object)) return check(*sc);
  if (const auto* se = std::get_if<ServiceEntry>(&object)) return check(*se);
  if (const auto* we = std::get_if<WorkloadEntry>(&object)) return check(*we);
  if (std::holds_alternative<Gateway>(object) || std::holds_alternative<WorkloadGroup>(object) ||
      std::holds_alternative<Telemetry>(object) || std::holds_alternative<WasmPlugin>(object)) {
    return whole_kind(kind_name(object));
  }
  const auto* cm = std::get_if<ConfigMap>(&object);
  if (cm == nullptr || cm->meta.name != kMeshConfigMapName) return {};
  MeshConfigResult mesh = mesh_config_from_config_map(*cm);
  if (!mesh.ok()) return {};
  std::vector<UnappliedUse> out = unapplied_fields(mesh.config);
  for (auto& use : out) use.field = "data.mesh." + use.field;
  return out;
}

}  // namespace jib::mesh
