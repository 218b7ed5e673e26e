// What one proxy sees of a snapshot: the services exported to its namespace and imported by its
// Sidecar's egress hosts, and for each host the DestinationRule and VirtualService in force for
// it (Istio's visibility and precedence, computed by mesh/model). Generators read the mesh
// only through this, so that what a proxy's config depends on is listed in one place.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/model/snapshot.h"
#include "xds/translate/proxy.h"

namespace jib::xds {

class MeshView {
 public:
  MeshView(const mesh::Snapshot& snapshot, const Proxy& proxy);

  const Proxy& proxy() const { return proxy_; }
  const mesh::MeshConfig& mesh_config() const { return snapshot_.mesh_config(); }
  // The mesh's trust bundle (PEM); empty until the CA has published one.
  const std::string& trust_roots() const { return snapshot_.trust_roots(); }
  // Security policies, to be selected for a workload (this proxy's, or an endpoint's).
  const mesh::PolicyIndex& policies() const { return snapshot_.policies(); }
  // The key set fetched for a jwksUri, or nullptr.
  const std::string* jwks(std::string_view uri) const { return snapshot_.jwks(uri); }
  // The Secrets of a namespace, by name.
  std::vector<const mesh::Secret*> secrets(std::string_view ns) const;
  // Every service with an endpoint at address, visible or not: a workload's own services.
  std::vector<const mesh::Service*> services_with_endpoint_at(std::string_view address) const;
  // The Sidecar that scopes this proxy, or nullptr.
  const mesh::Sidecar* sidecar() const { return sidecar_; }
  // The mTLS mode this workload accepts on a port (PeerAuthentication, Istio's precedence).
  mesh::PeerAuthenticationMutualTLS::Mode inbound_mtls_mode(uint32_t port) const;

  // Services visible to the proxy (exportTo, then the Sidecar's egress hosts), sorted by
  // hostname.
  const std::vector<const mesh::Service*>& services() const { return services_; }
  // A visible service by exact hostname, or nullptr.
  const mesh::Service* service(std::string_view hostname) const;
  // The (merged) DestinationRule for a service as this proxy sees it, or nullptr.
  const mesh::DestinationRule* destination_rule(const mesh::Service& service) const;
  // The VirtualService that routes a host for sidecars ("mesh" gateway), or nullptr.
  const mesh::VirtualService* virtual_service(std::string_view hostname) const;
  // The endpoints of a service that carry every label of the subset (all for nullptr).
  static std::vector<const mesh::Endpoint*> endpoints(const mesh::Service& service,
                                                      const mesh::Subset* subset);

  // Whether a Sidecar egress listener's hosts ("namespace/dnsName") import a service for a
  // proxy in proxy_ns.
  static bool egress_imports(const mesh::IstioEgressListener& egress, std::string_view proxy_ns,
                             const mesh::Service& service);

 private:
  const mesh::Snapshot& snapshot_;
  const Proxy& proxy_;
  const mesh::Sidecar* sidecar_ = nullptr;
  std::vector<const mesh::Service*> services_;
  std::map<std::string, const mesh::Service*, std::less<>> by_host_;
  mutable std::map<std::string, std::optional<mesh::MergedDestinationRule>, std::less<>> rules_;
};

}  // namespace jib::xds
