#include "xds/serve/push_scope.h"

namespace jib::xds {
namespace {

constexpr unsigned bit(ResourceType type) { return 1u << static_cast<unsigned>(type); }

constexpr unsigned kCds = bit(ResourceType::kCluster);
constexpr unsigned kEds = bit(ResourceType::kEndpoint);
constexpr unsigned kLds = bit(ResourceType::kListener);
constexpr unsigned kRds = bit(ResourceType::kRoute);
constexpr unsigned kSds = bit(ResourceType::kSecret);

struct KindEffect {
  std::string_view kind;
  unsigned types;
  unsigned per_ip_types = 0;  // affected only where output depends on the proxy's IP
  // Affected only for proxies in the object's namespace, unless that is the root namespace
  // (mesh-wide policies, the default Sidecar) or root_is_global is false.
  unsigned namespace_types = 0;
  bool root_is_global = true;
};

// What the generators read, by kind. A kind left out affects every type.
constexpr KindEffect kEffects[] = {
    // Read by no generator.
    {"Namespace", 0},
    {"ServiceAccount", 0},
    {"WorkloadGroup", 0},
    // Gateways' TLS credentials, served to gateways of the Secret's namespace only, the root
    // namespace included.
    {"Secret", 0, 0, kSds, false},
    // Endpoints: load assignments, the SANs and DNS endpoints of clusters, and the inbound ports
    // of the workload at an endpoint's address. Routes never list endpoints.
    {"EndpointSlice", kCds | kEds, kLds},
    {"Pod", kCds | kEds, kLds},
    {"WorkloadEntry", kCds | kEds, kLds},
    // Services and their traffic rules (Istio pushes EDS for neither VirtualService nor
    // Gateway: neither changes which endpoints a cluster has).
    {"Service", kCds | kEds | kLds | kRds},
    {"ServiceEntry", kCds | kEds | kLds | kRds},
    {"DestinationRule", kCds | kEds | kLds | kRds},
    // A Sidecar scopes the proxies of its own namespace.
    {"Sidecar", 0, 0, kCds | kEds | kLds | kRds},
    {"VirtualService", kCds | kLds | kRds},
    {"Gateway", kCds | kLds | kRds},
    // The tlsMode of endpoints and the clusters' TLS, for clients anywhere; the inbound mTLS mode
    // of the listeners of the policy's own namespace.
    {"PeerAuthentication", kCds | kEds, 0, kLds},
    // Filters of the inbound listeners of the workloads in the policy's namespace.
    {"AuthorizationPolicy", 0, 0, kLds},
    {"RequestAuthentication", 0, 0, kLds},
    {"Telemetry", 0, 0, kLds},
    {"WasmPlugin", 0, 0, kLds},
    // The istio ConfigMap holds MeshConfig (trust domain, auto mTLS, providers): everything.
};

}  // namespace

PushScope PushScope::everything() {
  PushScope scope;
  scope.all_.fill(true);
  return scope;
}

void PushScope::add_change(std::string_view kind, std::string_view ns,
                           std::string_view root_namespace) {
  for (const KindEffect& effect : kEffects) {
    if (effect.kind != kind) continue;
    const bool global = effect.root_is_global && ns == root_namespace;
    for (ResourceType type : kPushOrder) {
      const size_t i = index(type);
      const bool in_namespace = (effect.namespace_types & bit(type)) != 0;
      all_[i] = all_[i] || (effect.types & bit(type)) != 0 || (in_namespace && global);
      per_ip_[i] = per_ip_[i] || (effect.per_ip_types & bit(type)) != 0;
      if (in_namespace && !global) namespaces_[i].emplace(ns);
    }
    return;
  }
  all_.fill(true);
}

bool PushScope::affects_everything() const {
  for (bool b : all_) {
    if (!b) return false;
  }
  return true;
}

PushScope push_scope(const PushRequest& request) {
  PushScope scope;
  const std::string& root = request.snapshot->mesh_config().root_namespace;
  for (const mesh::ConfigKey& key : request.changed) {
    scope.add_change(key.kind, key.ns, root);
    if (scope.affects_everything()) break;
  }
  if (request.trust_roots_changed) scope.add(ResourceType::kSecret);  // ROOTCA
  // Key sets are inline in the JWT filters of the inbound listeners.
  if (request.jwks_changed) scope.add(ResourceType::kListener);
  return scope;
}

}  // namespace jib::xds
