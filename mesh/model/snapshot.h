// The immutable view of the mesh that xDS generators read: built once per push, then shared.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/api/jwks.h"
#include "mesh/api/mesh_config.h"
#include "mesh/config/config_store.h"
#include "mesh/model/networking_index.h"
#include "mesh/model/policy_index.h"
#include "mesh/model/service.h"

namespace jib::mesh {

class Snapshot;
using SnapshotPtr = std::shared_ptr<const Snapshot>;
// The mesh's trust bundle: PEM roots, concatenated (from the CA, not from the store).
using TrustRootsPtr = std::shared_ptr<const std::string>;

class Snapshot {
 public:
  // Builds the indexes for one store state. Never throws on odd config: what cannot be
  // indexed is skipped (it was validated on the way in).
  // mesh_config: mesh-wide settings (trust domain, auto mTLS, rootNamespace where mesh-wide
  // policies live); Istio's defaults when null.
  static SnapshotPtr build(const StoreStatePtr& state, MeshConfigPtr mesh_config,
                           TrustRootsPtr trust_roots = nullptr, JwksByUriPtr jwks = nullptr);
  // Istio's default MeshConfig with another root namespace.
  static SnapshotPtr build(const StoreStatePtr& state,
                           std::string_view root_namespace = kDefaultRootNamespace);

  uint64_t generation() const { return state_->generation; }
  const MeshConfig& mesh_config() const { return *mesh_config_; }
  // The trust bundle; empty until the CA has published one.
  const std::string& trust_roots() const { return *trust_roots_; }
  // The key set last fetched from a jwksUri, or nullptr when none has been fetched (yet).
  const std::string* jwks(std::string_view uri) const;
  const StoreState& state() const { return *state_; }

  // All services, sorted by hostname.
  const std::vector<Service>& services() const { return services_; }
  // The service for an exact hostname, or nullptr.
  const Service* service(std::string_view hostname) const;
  // Whether any service has an endpoint at this address (a workload's service instances).
  bool has_endpoint_at(std::string_view address) const;

  // Networking as one proxy sees it (exportTo, DestinationRule precedence and merging,
  // VirtualService conflicts, Gateways, Sidecar scopes).
  const NetworkingIndex& networking() const { return networking_; }
  // Services exported to proxy_ns, sorted by hostname.
  std::vector<const Service*> services_for(std::string_view proxy_ns) const;
  // The merged DestinationRule for a host as a proxy in proxy_ns sees it.
  std::optional<MergedDestinationRule> destination_rule_for(
      std::string_view proxy_ns, std::string_view hostname,
      const Labels& workload_labels = {}) const;

  // Security, extension and telemetry policies by root namespace, namespace and selector.
  const PolicyIndex& policies() const { return policies_; }

 private:
  StoreStatePtr state_;
  MeshConfigPtr mesh_config_;
  TrustRootsPtr trust_roots_;
  JwksByUriPtr jwks_;
  NetworkingIndex networking_;
  PolicyIndex policies_;
  std::vector<Service> services_;
  std::map<std::string, size_t, std::less<>> service_by_host_;
  std::set<std::string, std::less<>> endpoint_addresses_;
};

}  // namespace jib::mesh
