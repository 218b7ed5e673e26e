// Keeps the unapplied-fields table honest against the generators: for every row, config that
// sets the field and the same config without it give byte-identical xDS for a sidecar (with and
// without capture) and a gateway router. A row whose field starts to be translated fails here.
#include <gtest/gtest.h>

#include <set>

#include "mesh/api/unapplied_fields.h"
#include "test/unit/xds/test_support.h"
#include "xds/translate/generators.h"

namespace jib::xds {
namespace {

using testing::sidecar;
using testing::state_from_yaml;

// The service every sample routes to, with two versions for subsets and an HTTP and a TCP port.
constexpr const char* kBase = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.example.com]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 9080, name: http, protocol: HTTP}, {number: 9090, name: tcp, protocol: TCP}]
  endpoints:
  - {address: 10.0.0.1, labels: {version: v1}, serviceAccount: reviews}
  - {address: 10.0.0.2, labels: {version: v2}, serviceAccount: reviews}
)";

struct Sample {
  std::string kind;
  std::string path;
  std::string with;          // YAML added to kBase that sets the field
  std::string without;       // the same without it (or with a value that is applied, e.g. DISABLE)
  bool mesh_config = false;  // with and without are MeshConfig, not objects
};

std::string doc(const std::string& kind, const std::string& api, const std::string& spec) {
  return "---\napiVersion: " + api + "\nkind: " + kind +
         "\nmetadata: {name: sample, namespace: default}\nspec:\n" + spec;
}

// A VirtualService for reviews whose one HTTP route has `extra` (a line at route level).
std::string vs_http(const std::string& extra, const std::string& match = "") {
  return doc("VirtualService", "networking.istio.io/v1",
             "  hosts: [reviews.example.com]\n  http:\n  - route:\n"
             "    - destination: {host: reviews.example.com}\n" +
                 (match.empty() ? "" : "    match: [" + match + "]\n") +
                 (extra.empty() ? "" : "    " + extra + "\n"));
}

Sample vs_sample(const std::string& path, const std::string& extra) {
  return {"VirtualService", path, vs_http(extra), vs_http("")};
}

// Retries with and without one of their fields.
Sample retry_sample(const std::string& field, const std::string& setting) {
  return {"VirtualService", "spec.http[].retries." + field,
          vs_http("retries: {attempts: 3, " + setting + "}"), vs_http("retries: {attempts: 3}")};
}

// A DestinationRule with `top` as its traffic policy and `sub` as its subset v1's.
std::string dr(const std::string& top, const std::string& sub) {
  return doc("DestinationRule", "networking.istio.io/v1",
             "  host: reviews.example.com\n  trafficPolicy: " + top +
                 "\n  subsets:\n  - {name: v1, labels: {version: v1}, trafficPolicy: " + sub +
                 "}\n  - {name: v2, labels: {version: v2}}\n");
}

// The same policy samples at the top and in a subset, and port-level ones at both.
void add_destination_rule_samples(std::vector<Sample>& out) {
  struct Policy {
    std::string suffix, with, without;
  };
  const std::vector<Policy> policies = {
      {"connectionPool", "{connectionPool: {tcp: {maxConnections: 7}}}", "{}"},
      {"outlierDetection", "{outlierDetection: {consecutive5xxErrors: 3, interval: 5s}}", "{}"},
      {"loadBalancer.consistentHash", "{loadBalancer: {consistentHash: {useSourceIp: true}}}",
       "{}"},
      {"loadBalancer.localityLbSetting", "{loadBalancer: {localityLbSetting: {enabled: true}}}",
       "{}"},
      {"loadBalancer.warmupDurationSecs", "{loadBalancer: {warmupDurationSecs: 30s}}", "{}"},
      {"loadBalancer.warmup", "{loadBalancer: {warmup: {duration: 30s}}}", "{}"},
      {"tls.mode", "{tls: {mode: SIMPLE, sni: reviews.example.com}}",
       "{tls: {mode: DISABLE, sni: reviews.example.com}}"},
      {"proxyProtocol", "{proxyProtocol: {version: V2}}", "{}"},
      {"tunnel", "{tunnel: {targetHost: proxy.example.com, targetPort: 8443}}", "{}"},
  };
  const std::string port = "{portLevelSettings: [{port: {number: 9080}, ";
  const std::vector<Policy> port_policies = {
      {"loadBalancer", port + "loadBalancer: {simple: ROUND_ROBIN}}]}", "{}"},
      {"connectionPool", port + "connectionPool: {tcp: {maxConnections: 7}}}]}", "{}"},
      {"outlierDetection", port + "outlierDetection: {consecutive5xxErrors: 3}}]}", "{}"},
      {"tls.mode", port + "tls: {mode: MUTUAL, credentialName: cred}}]}",
       port + "tls: {mode: DISABLE}}]}"},
  };
  for (bool subset : {false, true}) {
    const std::string prefix = subset ? "spec.subsets[].trafficPolicy." : "spec.trafficPolicy.";
    auto add = [&](const std::string& path, const Policy& p) {
      out.push_back({"DestinationRule", prefix + path, subset ? dr("{}", p.with) : dr(p.with, "{}"),
                     subset ? dr("{}", p.without) : dr(p.without, "{}")});
    };
    for (const auto& p : policies) add(p.suffix, p);
    for (const auto& p : port_policies) add("portLevelSettings[]." + p.suffix, p);
  }
}

std::string sidecar_doc(const std::string& spec) {
  return doc("Sidecar", "networking.istio.io/v1", spec);
}

// One inbound port with `extra` on the ingress listener.
std::string sidecar_ingress(const std::string& extra) {
  return sidecar_doc(
      "  ingress:\n  - port: {number: 9080, protocol: HTTP, name: http}\n"
      "    defaultEndpoint: 127.0.0.1:8080\n" +
      (extra.empty() ? "" : "    " + extra + "\n"));
}

std::string entry(const std::string& spec) {
  return doc("ServiceEntry", "networking.istio.io/v1",
             "  hosts: [db.example.com]\n  location: MESH_INTERNAL\n  resolution: STATIC\n"
             "  ports: [{number: 5432, name: tcp, protocol: TCP}]\n" +
                 spec);
}

std::vector<Sample> samples() {
  std::vector<Sample> out = {
      {"VirtualService", "spec.gateways",
       vs_http("") + "  gateways: [mesh, istio-system/ingress]\n",
       vs_http("") + "  gateways: [mesh]\n"},
      {"VirtualService", "spec.http[].match[].name",
       vs_http("", "{name: api, uri: {prefix: /api}}"), vs_http("", "{uri: {prefix: /api}}")},
      {"VirtualService", "spec.http[].match[].statPrefix",
       vs_http("", "{statPrefix: api, uri: {prefix: /api}}"), vs_http("", "{uri: {prefix: /api}}")},
      {"VirtualService", "spec.http[].redirect.derivePort",
       doc("VirtualService", "networking.istio.io/v1",
           "  hosts: [reviews.example.com]\n  http:\n"
           "  - redirect: {uri: /v2, derivePort: FROM_REQUEST_PORT}\n"),
       doc("VirtualService", "networking.istio.io/v1",
           "  hosts: [reviews.example.com]\n  http:\n  - redirect: {uri: /v2}\n")},
      retry_sample("retryRemoteLocalities", "retryRemoteLocalities: true"),
      retry_sample("retryIgnorePreviousHosts", "retryIgnorePreviousHosts: true"),
      retry_sample("backoff", "backoff: 2s"),
      {"VirtualService", "spec.http[].delegate",
       doc("VirtualService", "networking.istio.io/v1",
           "  hosts: [reviews.example.com]\n  http:\n"
           "  - match: [{uri: {prefix: /api}}]\n"
           "    delegate: {name: reviews-delegate, namespace: default}\n"
           "  - route: [{destination: {host: reviews.example.com}}]\n"),
       vs_http("")},
      vs_sample("spec.http[].fault",
                "fault: {abort: {httpStatus: 503, percentage: {value: 100}}, delay: "
                "{fixedDelay: 1s, percentage: {value: 50}}}"),
      vs_sample("spec.http[].mirror", "mirror: {host: reviews.example.com, subset: v2}"),
      vs_sample("spec.http[].mirrors", "mirrors: [{destination: {host: reviews.example.com}}]"),
      vs_sample("spec.http[].mirrorPercentage",
                "mirror: {host: reviews.example.com}\n    mirrorPercentage: {value: 10}"),
      vs_sample("spec.http[].mirrorPercent",
                "mirror: {host: reviews.example.com}\n    mirrorPercent: 10"),
      vs_sample("spec.http[].corsPolicy",
                "corsPolicy: {allowOrigins: [{exact: https://a.example.com}], allowMethods: "
                "[GET], maxAge: 24h}"),
      {"VirtualService", "spec.tls",
       vs_http("") + "  tls:\n  - match: [{sniHosts: [reviews.example.com]}]\n"
                     "    route: [{destination: {host: reviews.example.com, subset: v1}}]\n",
       vs_http("")},
      {"VirtualService", "spec.tcp",
       vs_http("") + "  tcp:\n  - match: [{port: 9090}]\n"
                     "    route: [{destination: {host: reviews.example.com, subset: v1}}]\n",
       vs_http("")},
      {"Gateway", "",
       doc("Gateway", "networking.istio.io/v1",
           "  selector: {istio: ingressgateway}\n  servers:\n"
           "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ['*']\n"),
       ""},
      {"Sidecar", "spec.ingress[].tls",
       sidecar_ingress("tls: {mode: SIMPLE, credentialName: reviews-cert}"), sidecar_ingress("")},
      {"Sidecar", "spec.ingress[].connectionPool",
       sidecar_ingress("connectionPool: {tcp: {maxConnections: 7}}"), sidecar_ingress("")},
      {"Sidecar", "spec.ingress[].captureMode", sidecar_ingress("captureMode: IPTABLES"),
       sidecar_ingress("")},
      {"Sidecar", "spec.egress[].captureMode",
       sidecar_doc("  egress:\n  - hosts: ['./*']\n    captureMode: IPTABLES\n"),
       sidecar_doc("  egress:\n  - hosts: ['./*']\n")},
      {"Sidecar", "spec.ingress[].port.targetPort",
       sidecar_doc(
           "  ingress:\n  - port: {number: 9080, protocol: HTTP, name: http, targetPort: 9081}\n"
           "    defaultEndpoint: 127.0.0.1:8080\n"),
       sidecar_ingress("")},
      {"Sidecar", "spec.egress[].port.targetPort",
       sidecar_doc("  egress:\n  - hosts: ['./*']\n    port: {number: 9080, targetPort: 9081}\n"),
       sidecar_doc("  egress:\n  - hosts: ['./*']\n    port: {number: 9080}\n")},
      {"Sidecar", "spec.egress[].port.protocol",
       sidecar_doc("  egress:\n  - hosts: ['./*']\n    port: {number: 9080, protocol: TCP}\n"),
       sidecar_doc("  egress:\n  - hosts: ['./*']\n    port: {number: 9080}\n")},
      {"Sidecar", "spec.inboundConnectionPool",
       sidecar_ingress("") + "  inboundConnectionPool: {http: {http1MaxPendingRequests: 5}}\n",
       sidecar_ingress("")},
      {"Sidecar", "spec.outboundTrafficPolicy",
       sidecar_doc("  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n"), sidecar_doc("  {}\n")},
      {"ServiceEntry", "spec.addresses",
       entry("  addresses: [10.9.9.9]\n  endpoints: [{address: 10.0.1.1}]\n"),
       entry("  endpoints: [{address: 10.0.1.1}]\n")},
      {"ServiceEntry", "spec.subjectAltNames",
       entry("  subjectAltNames: [spiffe://cluster.local/ns/default/sa/db]\n"
             "  endpoints: [{address: 10.0.1.1}]\n"),
       entry("  endpoints: [{address: 10.0.1.1}]\n")},
      {"ServiceEntry", "spec.endpoints[].network",
       entry("  endpoints: [{address: 10.0.1.1, network: west}]\n"),
       entry("  endpoints: [{address: 10.0.1.1}]\n")},
      {"WorkloadEntry", "spec.network",
       entry("  workloadSelector: {labels: {app: db}}\n") +
           doc("WorkloadEntry", "networking.istio.io/v1",
               "  address: 10.0.1.2\n  labels: {app: db}\n  network: west\n"),
       entry("  workloadSelector: {labels: {app: db}}\n") +
           doc("WorkloadEntry", "networking.istio.io/v1",
               "  address: 10.0.1.2\n  labels: {app: db}\n")},
      {"WorkloadGroup", "",
       doc("WorkloadGroup", "networking.istio.io/v1",
           "  metadata: {labels: {app: reviews, version: v3}}\n"
           "  template: {serviceAccount: reviews}\n"),
       ""},
      {"Telemetry", "",
       doc("Telemetry", "telemetry.istio.io/v1",
           "  accessLogging: [{providers: [{name: envoy}]}]\n"
           "  tracing: [{randomSamplingPercentage: 10}]\n"),
       ""},
      {"WasmPlugin", "",
       doc("WasmPlugin", "extensions.istio.io/v1alpha1",
           "  url: oci://registry.example.com/plugin:1\n  phase: AUTHN\n"),
       ""},
  };
  add_destination_rule_samples(out);
  auto add_mesh = [&](const std::string& path, const std::string& with) {
    out.push_back({"MeshConfig", path, with, "{}", true});
  };
  add_mesh("trustDomainAliases", "trustDomainAliases: [old.example.com]");
  add_mesh("outboundTrafficPolicy.mode", "outboundTrafficPolicy: {mode: REGISTRY_ONLY}");
  add_mesh("defaultConfig", "defaultConfig: {concurrency: 4, proxyMetadata: {A: b}}");
  add_mesh(
      "extensionProviders[]",
      "extensionProviders: [{name: zipkin, zipkin: {service: zipkin.default.svc.cluster.local, "
      "port: 9411}}]");
  add_mesh("defaultProviders", "defaultProviders: {tracing: [zipkin]}");
  add_mesh("enableTracing", "enableTracing: false");
  add_mesh("enablePrometheusMerge", "enablePrometheusMerge: false");
  add_mesh("accessLogFile", "accessLogFile: /dev/stdout");
  add_mesh("accessLogFormat", "accessLogFormat: '%START_TIME%'");
  add_mesh("accessLogEncoding", "accessLogEncoding: JSON");
  add_mesh("connectTimeout", "connectTimeout: 3s");
  add_mesh("protocolDetectionTimeout", "protocolDetectionTimeout: 1s");
  add_mesh("dnsRefreshRate", "dnsRefreshRate: 5s");
  add_mesh("proxyListenPort", "proxyListenPort: 15101");
  add_mesh("proxyInboundListenPort", "proxyInboundListenPort: 15106");
  add_mesh("proxyHttpPort", "proxyHttpPort: 15080");
  add_mesh("tcpKeepalive", "tcpKeepalive: {probes: 3, time: 10s}");
  add_mesh("ingressClass", "ingressClass: other");
  add_mesh("ingressService", "ingressService: other-gateway");
  add_mesh("ingressControllerMode", "ingressControllerMode: 'OFF'");
  add_mesh("ingressSelector", "ingressSelector: other");
  add_mesh("defaultServiceExportTo", "defaultServiceExportTo: [.]");
  add_mesh("defaultVirtualServiceExportTo", "defaultVirtualServiceExportTo: [.]");
  add_mesh("defaultDestinationRuleExportTo", "defaultDestinationRuleExportTo: [.]");
  add_mesh("h2UpgradePolicy", "h2UpgradePolicy: UPGRADE");
  add_mesh("discoverySelectors", "discoverySelectors: [{matchLabels: {mesh: 'on'}}]");
  add_mesh("inboundClusterStatName", "inboundClusterStatName: in_%SERVICE%");
  add_mesh("outboundClusterStatName", "outboundClusterStatName: out_%SERVICE%");
  add_mesh("meshMTLS", "meshMTLS: {minProtocolVersion: TLSV1_3}");
  add_mesh("tlsDefaults", "tlsDefaults: {ecdhCurves: [P-256]}");
  return out;
}

Proxy router() {
  Proxy proxy = sidecar("istio-system", false);
  proxy.type = Proxy::Type::kRouter;
  proxy.id = "router~10.0.9.1~ingress.istio-system~istio-system.svc.cluster.local";
  proxy.ip = "10.0.9.1";
  proxy.labels = {{"istio", "ingressgateway"}};
  proxy.identity_verified = true;
  proxy.credentials_allowed = true;  // so that its SDS output carries the keys too
  return proxy;
}

// Every resource of every type for the proxies that could read the field, as one string.
std::string all_xds(const mesh::Snapshot& snapshot) {
  std::string out;
  for (const Proxy& proxy : {sidecar("default", false), sidecar("default", true), router()}) {
    for (ResourceType type : kPushOrder) {
      const ResourcesPtr resources = generate(type, snapshot, proxy);
      for (const Resource& r : *resources) out += r.name + "=" + *r.wire;
    }
  }
  return out;
}

mesh::MeshConfig mesh_config(const std::string& yaml) {
  mesh::MeshConfigResult result = mesh::parse_mesh_config(yaml, "mesh.yaml");
  for (const auto& e : result.errors) ADD_FAILURE() << e.str();
  return result.config;
}

// The xDS of kBase plus the sample's objects, or kBase with the sample's MeshConfig.
std::string xds_for(const Sample& sample, const std::string& extra) {
  if (!sample.mesh_config) {
    return all_xds(*mesh::Snapshot::build(state_from_yaml(kBase + extra), "istio-system"));
  }
  return all_xds(*mesh::Snapshot::build(
      state_from_yaml(kBase), std::make_shared<const mesh::MeshConfig>(mesh_config(extra))));
}

// The table rows that the sample's config sets.
std::set<std::string> rows_set(const Sample& sample, const std::string& extra) {
  std::vector<mesh::UnappliedUse> uses;
  if (sample.mesh_config) {
    uses = mesh::unapplied_fields(mesh_config(extra));
  } else {
    const mesh::StoreStatePtr state = state_from_yaml(extra);
    for (const auto& [key, object] : state->objects) {
      auto found = mesh::unapplied_fields(*object);
      uses.insert(uses.end(), found.begin(), found.end());
    }
  }
  std::set<std::string> out;
  for (const auto& use : uses) {
    EXPECT_NE(use.row, nullptr) << use.field << " names no row of the table";
    if (use.row != nullptr) out.insert(use.row->kind + " " + use.row->path);
  }
  return out;
}

TEST(UnappliedFields, EveryRowHasASample) {
  std::set<std::string> sampled;
  for (const auto& s : samples()) {
    EXPECT_TRUE(sampled.insert(s.kind + " " + s.path).second) << "two samples for " << s.path;
  }
  for (const auto& row : mesh::unapplied_field_table()) {
    EXPECT_TRUE(sampled.contains(row.kind + " " + row.path))
        << row.kind << " " << row.path << ": add a sample that sets it to samples()";
  }
  EXPECT_EQ(sampled.size(), mesh::unapplied_field_table().size()) << "a sample names no row";
}

TEST(UnappliedFields, SamplesSetTheirRowAndOnlyWhenGiven) {
  for (const auto& s : samples()) {
    const std::string row = s.kind + " " + s.path;
    EXPECT_TRUE(rows_set(s, s.with).contains(row)) << row << ": the sample does not set it";
    EXPECT_FALSE(rows_set(s, s.without).contains(row)) << row << ": set without the field";
  }
}

TEST(UnappliedFields, ListedFieldsChangeNoResource) {
  for (const auto& s : samples()) {
    EXPECT_EQ(xds_for(s, s.with), xds_for(s, s.without))
        << s.kind << " " << s.path
        << " now changes the generated xDS: it is translated, so remove its row from "
           "mesh/api/unapplied_fields.cpp (and regenerate docs/unapplied-fields.md)";
  }
}

// The comparison above can fail: fields that are translated change the xDS it compares.
TEST(UnappliedFields, TranslatedFieldsDoChangeResources) {
  const Sample lb{"DestinationRule", "", dr("{loadBalancer: {simple: ROUND_ROBIN}}", "{}"),
                  dr("{}", "{}")};
  EXPECT_NE(xds_for(lb, lb.with), xds_for(lb, lb.without));
  const Sample subset_tls{"DestinationRule", "", dr("{}", "{tls: {mode: ISTIO_MUTUAL}}"),
                          dr("{}", "{}")};
  EXPECT_NE(xds_for(subset_tls, subset_tls.with), xds_for(subset_tls, subset_tls.without));
  const Sample timeout = vs_sample("", "timeout: 3s");
  EXPECT_NE(xds_for(timeout, timeout.with), xds_for(timeout, timeout.without));
  const Sample mtls{"MeshConfig", "", "enableAutoMtls: false", "{}", true};
  EXPECT_NE(xds_for(mtls, mtls.with), xds_for(mtls, mtls.without));
}

}  // namespace
}  // namespace jib::xds
