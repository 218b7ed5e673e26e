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
};

// What the generators read, by kind. A kind left out affects every type.
constexpr KindEffect kEffects[] = {
    // Read by no generator.
    {"Namespace", 0},
    {"ServiceAccount", 0},
    {"WorkloadGroup", 0},
    // Gateways' TLS credentials, served to gateways of the Secret's namespace only.
    {"Secret", kSds},
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
    {"Sidecar", kCds | kEds | kLds | kRds},
    {"VirtualService", kCds | kLds | kRds},
    {"Gateway", kCds | kLds | kRds},
    // Inbound mTLS mode (listeners), the tlsMode of endpoints and the clusters' TLS.
    {"PeerAuthentication", kCds | kEds | kLds},
    // Filters of the inbound listeners only.
    {"AuthorizationPolicy", kLds},
    {"RequestAuthentication", kLds},
    {"Telemetry", kLds},
    {"WasmPlugin", kLds},
    // The istio ConfigMap holds MeshConfig (trust domain, auto mTLS, providers): everything.
};

}  // namespace

PushScope PushScope::everything() {
  PushScope scope;
  scope.all_.fill(true);
  return scope;
}

void PushScope::add_kind(std::string_view kind) {
  for (const KindEffect& effect : kEffects) {
    if (effect.kind != kind) continue;
    for (ResourceType type : kPushOrder) {
      all_[index(type)] = all_[index(type)] || (effect.types & bit(type)) != 0;
      per_ip_[index(type)] = per_ip_[index(type)] || (effect.per_ip_types & bit(type)) != 0;
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
  for (const mesh::ConfigKey& key : request.changed) {
    scope.add_kind(key.kind);
    if (scope.affects_everything()) break;
  }
  if (request.trust_roots_changed) scope.add(ResourceType::kSecret);  // ROOTCA
  // Key sets are inline in the JWT filters of the inbound listeners.
  if (request.jwks_changed) scope.add(ResourceType::kListener);
  return scope;
}

}  // namespace jib::xds
