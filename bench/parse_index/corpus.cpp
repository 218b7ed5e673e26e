#include "bench/parse_index/corpus.h"

#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>

namespace jib::bench {
namespace {

// One YAML document per kind; @name@ placeholders are filled in per application or namespace.
struct Template {
  const char* kind;
  const char* yaml;
  bool per_version = false;  // once per version of the application, with @version@ and @ip@
};

const Template kAppObjects[] = {
    {"Service", R"(apiVersion: v1
kind: Service
metadata: {name: @app@, namespace: @ns@, labels: {app: @app@}}
spec:
  selector: {app: @app@}
  clusterIP: @vip@
  ports:
  - {name: http, port: 9080, targetPort: 8080, protocol: TCP}
  - {name: grpc-api, port: 9090, targetPort: 9090, protocol: TCP}
)"},
    {"EndpointSlice", R"(apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: @app@-x7k2p
  namespace: @ns@
  labels: {kubernetes.io/service-name: @app@}
addressType: IPv4
ports:
- {name: http, port: 8080, protocol: TCP}
- {name: grpc-api, port: 9090, protocol: TCP}
endpoints:
- addresses: [@ip1@]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: node-@node@
  zone: zone-a
  targetRef: {kind: Pod, namespace: @ns@, name: @app@-v1-0}
- addresses: [@ip2@]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: node-@node@
  zone: zone-b
  targetRef: {kind: Pod, namespace: @ns@, name: @app@-v2-0}
)"},
    // Twice: version v1 with address ip1, v2 with ip2.
    {"Pod", R"(apiVersion: v1
kind: Pod
metadata:
  name: @app@-@version@-0
  namespace: @ns@
  labels: {app: @app@, version: @version@}
spec:
  serviceAccountName: @app@
  nodeName: node-@node@
  containers:
  - name: @app@
    image: registry.example.com/@app@:@version@
    ports: [{name: http, containerPort: 8080}]
  - {name: istio-proxy, image: docker.io/istio/proxyv2:1.22.0}
status:
  phase: Running
  podIP: @ip@
  conditions: [{type: Ready, status: "True"}]
)",
     true},
    {"DestinationRule", R"(apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: @app@, namespace: @ns@}
spec:
  host: @app@
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 500ms}
      http: {http2MaxRequests: 1000, maxRequestsPerConnection: 10}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
  subsets:
  - {name: v1, labels: {version: v1}}
  - name: v2
    labels: {version: v2}
    trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
)"},
    {"VirtualService", R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: @app@, namespace: @ns@}
spec:
  hosts: [@app@]
  http:
  - match: [{headers: {x-canary: {exact: "true"}}, uri: {prefix: /api/}}]
    route: [{destination: {host: @app@, subset: v2}}]
  - route:
    - {destination: {host: @app@, subset: v1, port: {number: 9080}}, weight: 90}
    - {destination: {host: @app@, subset: v2, port: {number: 9080}}, weight: 10}
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset"}
    timeout: 10s
)"},
    {"AuthorizationPolicy", R"(apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: @app@, namespace: @ns@}
spec:
  selector: {matchLabels: {app: @app@}}
  action: ALLOW
  rules:
  - from:
    - source: {namespaces: [@ns@, frontend], principals: ["cluster.local/ns/frontend/sa/web"]}
    to:
    - operation: {methods: [GET, POST], paths: ["/api/*", /healthz]}
)"},
};

const Template kNamespaceObjects[] = {
    {"PeerAuthentication", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: @ns@}
spec:
  mtls: {mode: STRICT}
)"},
    {"Sidecar", R"(apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: @ns@}
spec:
  egress:
  - hosts: [./*, istio-system/*]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
)"},
    {"Gateway", R"(apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: @ns@}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [@ns@.example.com]
    tls: {mode: SIMPLE, credentialName: @ns@-cert}
)"},
    {"Secret", R"(apiVersion: v1
kind: Secret
metadata: {name: @ns@-cert, namespace: @ns@}
type: kubernetes.io/tls
data: {tls.crt: Y2VydGlmaWNhdGU=, tls.key: a2V5}
)"},
    {"ServiceEntry", R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external-api, namespace: @ns@}
spec:
  hosts: [api.@ns@.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
)"},
    {"ServiceEntry", R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: @ns@}
spec:
  hosts: [db.@ns@.internal]
  addresses: [@vip@]
  ports: [{number: 5432, name: tcp-postgres, protocol: TCP}]
  resolution: STATIC
  location: MESH_INTERNAL
  endpoints: [{address: @ip1@, labels: {role: primary}}, {address: @ip2@, labels: {role: replica}}]
)"},
    {"WorkloadEntry", R"(apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-0, namespace: @ns@}
spec:
  address: @ip1@
  labels: {app: legacy-vm, version: v1}
  serviceAccount: legacy-vm
  ports: {http: 8080}
)"},
};

std::string ip(size_t n) {
  return "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." +
         std::to_string(n & 255);
}

std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string out(text);
  for (const auto& [key, value] : vars) {
    const std::string token = "@" + key + "@";
    for (size_t at = out.find(token); at != std::string::npos; at = out.find(token, at)) {
      out.replace(at, token.size(), value);
      at += value.size();
    }
  }
  return out;
}

}  // namespace

Corpus make_corpus(size_t objects, size_t namespaces) {
  Corpus corpus;
  size_t next_ip = 0;
  auto add = [&](CorpusFile& file, const Template& t, const auto& vars) {
    if (corpus.objects == objects) return;
    if (!file.text.empty()) file.text += "---\n";
    file.text += fill(t.yaml, vars);
    ++corpus.objects_by_kind[t.kind];
    ++corpus.objects;
  };
  for (size_t app = 0; corpus.objects < objects; ++app) {
    const std::string ns = "ns-" + std::to_string(app % namespaces);
    const std::string low = std::to_string(app >> 8 & 255) + "." + std::to_string(app & 255);
    if (app < namespaces) {
      CorpusFile file{ns + "/namespace.yaml", ""};
      std::vector<std::pair<std::string, std::string>> vars = {
          {"ns", ns}, {"vip", "240.240." + low}, {"ip1", ip(++next_ip)}, {"ip2", ip(++next_ip)}};
      for (const auto& t : kNamespaceObjects) add(file, t, vars);
      corpus.files.push_back(std::move(file));
    }
    const std::string name = "svc-" + std::to_string(app);
    const std::string ip1 = ip(++next_ip), ip2 = ip(++next_ip);
    CorpusFile file{ns + "/" + name + ".yaml", ""};
    std::vector<std::pair<std::string, std::string>> vars = {
        {"app", name}, {"ns", ns},   {"vip", "10.96." + low},
        {"ip1", ip1},  {"ip2", ip2}, {"node", std::to_string(app % 20)}};
    for (const auto& t : kAppObjects) {
      if (!t.per_version) {
        add(file, t, vars);
        continue;
      }
      for (const auto& [version, address] : {std::pair{"v1", ip1}, std::pair{"v2", ip2}}) {
        auto with_version = vars;
        with_version.emplace_back("version", version);
        with_version.emplace_back("ip", address);
        add(file, t, with_version);
      }
    }
    if (!file.text.empty()) corpus.files.push_back(std::move(file));
  }
  for (const auto& f : corpus.files) corpus.bytes += f.text.size();
  return corpus;
}

bool write_corpus(const Corpus& corpus, const std::string& dir) {
  std::error_code ec;
  for (const auto& f : corpus.files) {
    const std::filesystem::path path = std::filesystem::path(dir) / f.name;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << f.text;
    if (ec || !out) return false;
  }
  return true;
}

}  // namespace jib::bench
