#include "xds/mesh_view.h"

namespace jib::xds {

MeshView::MeshView(const mesh::Snapshot& snapshot, const Proxy& proxy)
    : snapshot_(snapshot), proxy_(proxy), services_(snapshot.services_for(proxy.ns)) {
  for (const mesh::Service* service : services_) by_host_.emplace(service->hostname, service);
}

const mesh::Service* MeshView::service(std::string_view hostname) const {
  auto it = by_host_.find(hostname);
  return it == by_host_.end() ? nullptr : it->second;
}

const mesh::DestinationRule* MeshView::destination_rule(const mesh::Service& service) const {
  auto it = rules_.find(service.hostname);
  if (it == rules_.end()) {
    it = rules_
             .emplace(service.hostname,
                      snapshot_.destination_rule_for(proxy_.ns, service.hostname, proxy_.labels))
             .first;
  }
  return it->second ? &it->second->rule : nullptr;
}

const mesh::VirtualService* MeshView::virtual_service(std::string_view hostname) const {
  return snapshot_.networking().virtual_service(proxy_.ns, hostname, "mesh");
}

std::vector<const mesh::Endpoint*> MeshView::endpoints(const mesh::Service& service,
                                                       const mesh::Subset* subset) {
  std::vector<const mesh::Endpoint*> out;
  for (const auto& endpoint : service.endpoints) {
    if (!subset || mesh::labels_match(subset->labels, endpoint.labels)) out.push_back(&endpoint);
  }
  return out;
}

}  // namespace jib::xds
