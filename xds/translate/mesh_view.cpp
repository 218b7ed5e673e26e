#include "xds/translate/mesh_view.h"

namespace jib::xds {

namespace {

bool imported_by_sidecar(const mesh::Sidecar& sidecar, std::string_view proxy_ns,
                         const mesh::Service& service) {
  // A Sidecar without egress listeners keeps Istio's default egress: every visible service.
  if (sidecar.egress.empty()) return true;
  for (const auto& egress : sidecar.egress) {
    if (MeshView::egress_imports(egress, proxy_ns, service)) return true;
  }
  return false;
}

}  // namespace

std::vector<const mesh::Secret*> MeshView::secrets(std::string_view ns) const {
  std::vector<const mesh::Secret*> out;
  const auto& objects = snapshot_.state().objects;
  const mesh::ConfigKey first{"Secret", std::string(ns), ""};
  for (auto it = objects.lower_bound(first);
       it != objects.end() && it->first.kind == "Secret" && it->first.ns == ns; ++it) {
    if (const auto* secret = std::get_if<mesh::Secret>(it->second.get())) out.push_back(secret);
  }
  return out;
}

std::vector<const mesh::Service*> MeshView::services_with_endpoint_at(
    std::string_view address) const {
  std::vector<const mesh::Service*> out;
  if (!snapshot_.has_endpoint_at(address)) return out;
  for (const mesh::Service& service : snapshot_.services()) {
    for (const mesh::Endpoint& endpoint : service.endpoints) {
      if (endpoint.address == address) {
        out.push_back(&service);
        break;
      }
    }
  }
  return out;
}

MeshView::MeshView(const mesh::Snapshot& snapshot, const Proxy& proxy)
    : snapshot_(snapshot),
      proxy_(proxy),
      sidecar_(proxy.type == Proxy::Type::kSidecar
                   ? snapshot.networking().sidecar_for(proxy.ns, proxy.labels)
                   : nullptr) {
  for (const mesh::Service* service : snapshot.services_for(proxy.ns)) {
    if (sidecar_ && !imported_by_sidecar(*sidecar_, proxy.ns, *service)) continue;
    services_.push_back(service);
    by_host_.emplace(service->hostname, service);
  }
}

bool MeshView::egress_imports(const mesh::IstioEgressListener& egress, std::string_view proxy_ns,
                              const mesh::Service& service) {
  for (const auto& host : egress.hosts) {
    size_t slash = host.find('/');
    if (slash == std::string::npos) continue;  // validation requires "namespace/host"
    std::string_view ns = std::string_view(host).substr(0, slash);
    std::string_view name = std::string_view(host).substr(slash + 1);
    bool ns_matches = ns == "*" || (ns == "." ? service.ns == proxy_ns : service.ns == ns);
    if (ns == "~") ns_matches = false;  // "~/": import nothing from any namespace
    if (ns_matches && mesh::host_matches(name, service.hostname)) return true;
  }
  return false;
}

mesh::PeerAuthenticationMutualTLS::Mode MeshView::inbound_mtls_mode(uint32_t port) const {
  auto effective = snapshot_.policies().peer_authentication({proxy_.ns, proxy_.labels});
  auto it = effective.per_port.find(port);
  return it != effective.per_port.end() ? it->second : effective.mode;
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
