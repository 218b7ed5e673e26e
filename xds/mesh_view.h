// What one proxy sees of a snapshot: the services exported to its namespace, and for each host
// the DestinationRule and VirtualService in force for it (Istio's visibility and precedence,
// computed by mesh/). Generators read the mesh only through this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/snapshot.h"
#include "xds/proxy.h"

namespace jib::xds {

class MeshView {
 public:
  MeshView(const mesh::Snapshot& snapshot, const Proxy& proxy);

  const mesh::Snapshot& snapshot() const { return snapshot_; }
  const Proxy& proxy() const { return proxy_; }

  // Services visible to the proxy (exportTo), sorted by hostname.
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

 private:
  const mesh::Snapshot& snapshot_;
  const Proxy& proxy_;
  std::vector<const mesh::Service*> services_;
  std::map<std::string, const mesh::Service*, std::less<>> by_host_;
  mutable std::map<std::string, std::optional<mesh::MergedDestinationRule>, std::less<>> rules_;
};

}  // namespace jib::xds
