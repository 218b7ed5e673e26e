// The table of accepted-but-unapplied fields, and its uses as messages, warnings and Markdown.
// Which objects set which rows is in unapplied_fields_detect.cpp.
#include "mesh/api/unapplied_fields.h"

#include "mesh/api/validate_kinds.h"

namespace jib::mesh {
namespace {

// A DestinationRule's traffic policy appears at the top, per port, per subset and per port of a
// subset; the cluster generator reads only tls (and loadBalancer.simple outside port levels).
void add_destination_rule_rows(std::vector<UnappliedField>& out) {
  constexpr const char* kClusterDefaults = "clusters keep Envoy's defaults";
  constexpr const char* kPlaintext =
      "only ISTIO_MUTUAL and DISABLE are built; the cluster stays plaintext";
  struct Row {
    const char* suffix;
    const char* values;
    const char* reason;
  };
  const std::vector<Row> policy_rows = {
      {"connectionPool", "", kClusterDefaults},
      {"outlierDetection", "", "no outlier detection is configured"},
      {"loadBalancer.consistentHash", "", "clusters use LEAST_REQUEST"},
      {"loadBalancer.localityLbSetting", "", "no locality-aware load balancing"},
      {"loadBalancer.warmupDurationSecs", "", "no slow start"},
      {"loadBalancer.warmup", "", "no slow start"},
      {"tls.mode", "SIMPLE, MUTUAL", kPlaintext},
      {"proxyProtocol", "", "no PROXY protocol header is sent"},
      {"tunnel", "", "connections are not tunnelled"},
  };
  const std::vector<Row> port_rows = {
      {"loadBalancer", "", "the policy's own loadBalancer applies on every port"},
      {"connectionPool", "", kClusterDefaults},
      {"outlierDetection", "", "no outlier detection is configured"},
      {"tls.mode", "SIMPLE, MUTUAL", kPlaintext},
  };
  for (const std::string prefix : {"spec.trafficPolicy.", "spec.subsets[].trafficPolicy."}) {
    for (const auto& row : policy_rows) {
      out.push_back({"DestinationRule", prefix + row.suffix, row.values, row.reason});
    }
    for (const auto& row : port_rows) {
      out.push_back({"DestinationRule", prefix + "portLevelSettings[]." + row.suffix, row.values,
                     row.reason});
    }
  }
}

std::vector<UnappliedField> build_table() {
  std::vector<UnappliedField> out = {
      {"VirtualService", "spec.gateways", "names other than mesh",
       "routes are built for sidecars only; gateway routes are dropped"},
      {"VirtualService", "spec.http[].match[].name", "", "route names do not carry it"},
      {"VirtualService", "spec.http[].match[].statPrefix", "", "no per-route stats"},
      {"VirtualService", "spec.http[].redirect.derivePort", "", "the redirect keeps Envoy's port"},
      {"VirtualService", "spec.http[].retries.retryRemoteLocalities", "", "Envoy's default"},
      {"VirtualService", "spec.http[].retries.retryIgnorePreviousHosts", "", "Envoy's default"},
      {"VirtualService", "spec.http[].retries.backoff", "", "Envoy's default backoff"},
      {"VirtualService", "spec.http[].delegate", "",
       "the route is left out; delegates are not merged"},
      {"VirtualService", "spec.http[].fault", "", "no fault is injected"},
      {"VirtualService", "spec.http[].mirror", "", "no traffic is mirrored"},
      {"VirtualService", "spec.http[].mirrors", "", "no traffic is mirrored"},
      {"VirtualService", "spec.http[].mirrorPercentage", "", "no traffic is mirrored"},
      {"VirtualService", "spec.http[].mirrorPercent", "", "no traffic is mirrored"},
      {"VirtualService", "spec.http[].corsPolicy", "", "no CORS filter or policy"},
      {"VirtualService", "spec.tls", "", "TLS traffic goes to the service's own cluster"},
      {"VirtualService", "spec.tcp", "", "TCP traffic goes to the service's own cluster"},
  };
  add_destination_rule_rows(out);
  const std::vector<UnappliedField> rest = {
      {"Gateway", "", "", "gateway listeners are not built from Gateways"},
      {"Sidecar", "spec.ingress[].tls", "", "inbound listeners use mesh mTLS only"},
      {"Sidecar", "spec.ingress[].connectionPool", "", "inbound clusters keep Envoy's defaults"},
      {"Sidecar", "spec.ingress[].captureMode", "", "the proxy's interception mode applies"},
      {"Sidecar", "spec.egress[].captureMode", "", "the proxy's interception mode applies"},
      {"Sidecar", "spec.ingress[].port.targetPort", "",
       "defaultEndpoint alone names the app's port"},
      {"Sidecar", "spec.egress[].port.targetPort", "", "each service's own ports apply"},
      {"Sidecar", "spec.egress[].port.protocol", "", "each service port's own protocol applies"},
      {"Sidecar", "spec.inboundConnectionPool", "", "inbound clusters keep Envoy's defaults"},
      {"Sidecar", "spec.outboundTrafficPolicy", "",
       "unknown hosts pass through, as with ALLOW_ANY"},
      {"ServiceEntry", "spec.addresses", "", "no listeners on the entry's addresses"},
      {"ServiceEntry", "spec.subjectAltNames", "", "identities come from the endpoints"},
      {"ServiceEntry", "spec.endpoints[].network", "", "every endpoint counts as local"},
      {"WorkloadEntry", "spec.network", "", "every endpoint counts as local"},
      {"WorkloadGroup", "", "", "no WorkloadEntries are made from WorkloadGroups"},
      {"Telemetry", "", "", "no tracing, metrics or access-log config is built"},
      {"WasmPlugin", "", "", "no Wasm filters are built"},
      {"MeshConfig", "trustDomainAliases", "", "only trustDomain is trusted"},
      {"MeshConfig", "outboundTrafficPolicy.mode", "REGISTRY_ONLY",
       "unknown hosts pass through, as with ALLOW_ANY"},
      {"MeshConfig", "defaultConfig", "", "proxies take their settings from jib-agent"},
      {"MeshConfig", "extensionProviders[]", "tracing, metrics and access-log providers",
       "only envoyExtAuthzHttp and envoyExtAuthzGrpc are used"},
      {"MeshConfig", "defaultProviders", "", "Telemetry is not applied"},
      {"MeshConfig", "enableTracing", "", "no tracing is configured, whatever the value"},
      {"MeshConfig", "enablePrometheusMerge", "", "jib-agent merges no application metrics"},
      {"MeshConfig", "accessLogFile", "", "no access logs"},
      {"MeshConfig", "accessLogFormat", "", "no access logs"},
      {"MeshConfig", "accessLogEncoding", "", "no access logs"},
      {"MeshConfig", "connectTimeout", "", "clusters connect with a 10s timeout"},
      {"MeshConfig", "protocolDetectionTimeout", "", "Envoy's default"},
      {"MeshConfig", "dnsRefreshRate", "", "Envoy's default"},
      {"MeshConfig", "proxyListenPort", "", "listeners are per service port"},
      {"MeshConfig", "proxyInboundListenPort", "", "listeners are per inbound port"},
      {"MeshConfig", "proxyHttpPort", "", "no HTTP proxy listener"},
      {"MeshConfig", "tcpKeepalive", "", "Envoy's default"},
      {"MeshConfig", "ingressClass", "", "Kubernetes Ingress is not read"},
      {"MeshConfig", "ingressService", "", "Kubernetes Ingress is not read"},
      {"MeshConfig", "ingressControllerMode", "", "Kubernetes Ingress is not read"},
      {"MeshConfig", "ingressSelector", "", "Kubernetes Ingress is not read"},
      {"MeshConfig", "defaultServiceExportTo", "", "objects without exportTo are visible to all"},
      {"MeshConfig", "defaultVirtualServiceExportTo", "",
       "objects without exportTo are visible to all"},
      {"MeshConfig", "defaultDestinationRuleExportTo", "",
       "objects without exportTo are visible to all"},
      {"MeshConfig", "h2UpgradePolicy", "UPGRADE", "HTTP/1.1 is not upgraded"},
      {"MeshConfig", "discoverySelectors", "", "every namespace is read"},
      {"MeshConfig", "inboundClusterStatName", "", "clusters' stats use their names"},
      {"MeshConfig", "outboundClusterStatName", "", "clusters' stats use their names"},
      {"MeshConfig", "meshMTLS", "", "Envoy's TLS defaults"},
      {"MeshConfig", "tlsDefaults", "", "Envoy's TLS defaults"},
  };
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::string markdown_cell(const std::string& text, bool code) {
  if (text.empty()) return code ? "(the whole kind)" : "";
  return code ? "`" + text + "`" : text;
}

}  // namespace

const std::vector<UnappliedField>& unapplied_field_table() {
  static const std::vector<UnappliedField> table = build_table();
  return table;
}

std::string unapplied_message(const UnappliedUse& use) {
  std::string out = "accepted, not yet applied";
  if (use.row == nullptr) return out;
  if (!use.row->values.empty()) out += " for " + use.row->values;
  return out + " (" + use.row->reason + ")";
}

ConfigErrors unapplied_warnings(const ConfigObject& object, const FieldLines* lines) {
  ConfigErrors out;
  detail::Reporter report(std::string(kind_name(object)), meta_of(object), lines, &out);
  for (const auto& use : unapplied_fields(object)) report(use.field, unapplied_message(use));
  return out;
}

std::string unapplied_fields_markdown() {
  std::string out =
      "# Fields jibd accepts but does not yet apply\n\n"
      "These fields parse and validate, so `jibctl validate` passes them and jibd loads them, "
      "but jibd does not yet translate them into proxy config. jibd logs a warning once for each "
      "object that sets one (`accepted, not yet applied`), and `jibctl validate` prints the same "
      "warning with the file and line. `[]` stands for any index.\n\n"
      "This page is generated from `mesh/api/unapplied_fields.cpp`; a unit test fails when the "
      "two differ and writes the page the table gives to the temporary directory "
      "(`jib_mesh_tests --gtest_filter=UnappliedFields.DocMatchesTable`). Every field the parser "
      "accepts is held to \"applied or listed\": `test/unit/mesh/api/field_coverage_test.cpp` "
      "fails for a field that no generator reads and that this page does not list.\n\n"
      "| Kind | Field | Values | What jibd does instead |\n"
      "|---|---|---|---|\n";
  for (const auto& row : unapplied_field_table()) {
    out += "| " + row.kind + " | " + markdown_cell(row.path, true) + " | " +
           markdown_cell(row.values.empty() ? "any" : row.values, false) + " | " + row.reason +
           " |\n";
  }
  return out;
}

}  // namespace jib::mesh
