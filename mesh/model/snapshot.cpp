#include "mesh/model/snapshot.h"

#include <algorithm>

#include "mesh/model/k8s_service_registry.h"

namespace jib::mesh {
namespace {

// Istio's default; a later issue makes the cluster domain configurable.
constexpr std::string_view kClusterDomainSuffix = ".svc.cluster.local";

bool bound_to_mesh(const VirtualService& vs) {
  return vs.gateways.empty() ||
         std::find(vs.gateways.begin(), vs.gateways.end(), "mesh") != vs.gateways.end();
}

Endpoint to_endpoint(const WorkloadEntrySpec& we) {
  return Endpoint{we.address,         we.ports,   we.labels,  we.weight,
                  we.service_account, we.network, we.locality};
}

// The endpoints a ServiceEntry gives one of its hosts, by resolution as Istio reads it.
std::vector<Endpoint> endpoints_for(const ServiceEntry& se, const std::string& host) {
  using Resolution = ServiceEntry::Resolution;
  std::vector<Endpoint> out;
  switch (se.resolution) {
    case Resolution::kNone:
      // Traffic goes to the original destination address; nothing to list.
      break;
    case Resolution::kStatic:
      for (const auto& we : se.endpoints) out.push_back(to_endpoint(we));
      break;
    case Resolution::kDns:
    case Resolution::kDnsRoundRobin:
      for (const auto& we : se.endpoints) out.push_back(to_endpoint(we));
      // Without endpoints the proxy resolves the host name itself (unless a workload selector
      // says the endpoints are WorkloadEntries, which a later issue adds).
      if (se.endpoints.empty() && !se.workload_selector && host.find('*') == std::string::npos) {
        Endpoint ep;
        ep.address = host;
        out.push_back(std::move(ep));
      }
      break;
  }
  return out;
}

// A ServiceEntry with a workloadSelector selects WorkloadEntries (of its namespace, as Istio)
// whose labels match; each becomes an endpoint.
void add_workload_entries(const StoreState& state, const ServiceEntry& se,
                          std::vector<Endpoint>& out) {
  const ConfigKey first{"WorkloadEntry", se.meta.ns, ""};
  for (auto it = state.objects.lower_bound(first);
       it != state.objects.end() && it->first.kind == "WorkloadEntry" && it->first.ns == se.meta.ns;
       ++it) {
    const auto* we = std::get_if<WorkloadEntry>(it->second.get());
    if (we != nullptr && labels_match(se.workload_selector->match_labels, we->spec.labels)) {
      out.push_back(to_endpoint(we->spec));
    }
  }
}

}  // namespace

std::string resolve_short_name(std::string_view host, std::string_view ns) {
  if (host == "*" || host.find('.') != std::string_view::npos) return std::string(host);
  return std::string(host) + "." + std::string(ns) + std::string(kClusterDomainSuffix);
}

bool host_matches(std::string_view pattern, std::string_view hostname) {
  if (pattern == hostname) return true;
  if (pattern.empty() || pattern.front() != '*') return false;
  std::string_view suffix = pattern.substr(1);
  return hostname.size() > suffix.size() && hostname.ends_with(suffix);
}

uint32_t Endpoint::port_for(const ServicePort& service_port) const {
  if (auto it = ports.find(service_port.name); it != ports.end()) return it->second;
  return service_port.target_port != 0 ? service_port.target_port : service_port.number;
}

SnapshotPtr Snapshot::build(const StoreStatePtr& state, std::string_view root_namespace) {
  auto mesh_config = std::make_shared<MeshConfig>();
  mesh_config->root_namespace = root_namespace;
  return build(state, std::move(mesh_config));
}

SnapshotPtr Snapshot::build(const StoreStatePtr& state, MeshConfigPtr mesh_config,
                            TrustRootsPtr trust_roots, JwksByUriPtr jwks) {
  auto snap = std::shared_ptr<Snapshot>(new Snapshot());
  snap->trust_roots_ = trust_roots ? std::move(trust_roots) : std::make_shared<const std::string>();
  snap->jwks_ = jwks ? std::move(jwks) : std::make_shared<const JwksByUri>();
  snap->mesh_config_ = mesh_config ? std::move(mesh_config) : std::make_shared<const MeshConfig>();
  const std::string& root_namespace = snap->mesh_config_->root_namespace;
  snap->state_ = state ? state : std::make_shared<const StoreState>();
  add_kubernetes_services(*snap->state_, snap->services_, snap->service_by_host_);
  // The state map is ordered by kind, namespace, name: every index below is built in that order,
  // so results are deterministic and "first" means first by namespace/name.
  for (const auto& [key, object] : snap->state_->objects) {
    if (const auto* se = std::get_if<ServiceEntry>(object.get())) {
      for (const auto& host : se->hosts) {
        // Istio merges same-host entries across namespaces by visibility; with one service per
        // host here, the first by namespace/name wins.
        if (snap->service_by_host_.contains(host)) continue;
        snap->service_by_host_.emplace(host, 0);
        snap->services_.push_back(Service{host, se->meta.ns, se->ports, se->resolution,
                                          se->location, endpoints_for(*se, host), se->export_to,
                                          key});
        if (se->workload_selector) {
          add_workload_entries(*snap->state_, *se, snap->services_.back().endpoints);
        }
      }
    } else if (const auto* dr = std::get_if<DestinationRule>(object.get())) {
      snap->destination_rule_by_host_[resolve_short_name(dr->host, dr->meta.ns)].push_back(dr);
    } else if (const auto* vs = std::get_if<VirtualService>(object.get())) {
      if (!bound_to_mesh(*vs)) continue;
      for (const auto& host : vs->hosts) {
        auto& list = snap->virtual_services_by_host_[resolve_short_name(host, vs->meta.ns)];
        if (list.empty() || list.back() != vs) list.push_back(vs);
      }
    }
  }
  std::sort(snap->services_.begin(), snap->services_.end(),
            [](const Service& a, const Service& b) { return a.hostname < b.hostname; });
  for (size_t i = 0; i < snap->services_.size(); ++i) {
    snap->service_by_host_[snap->services_[i].hostname] = i;
    for (const auto& endpoint : snap->services_[i].endpoints) {
      snap->endpoint_addresses_.insert(endpoint.address);
    }
  }
  snap->policies_ = PolicyIndex::build(*snap->state_, root_namespace);
  snap->networking_ = NetworkingIndex::build(*snap->state_, root_namespace);
  return snap;
}

const std::string* Snapshot::jwks(std::string_view uri) const {
  auto it = jwks_->find(uri);
  return it == jwks_->end() ? nullptr : &it->second;
}

bool Snapshot::has_endpoint_at(std::string_view address) const {
  return endpoint_addresses_.find(address) != endpoint_addresses_.end();
}

const Service* Snapshot::service(std::string_view hostname) const {
  auto it = service_by_host_.find(hostname);
  return it == service_by_host_.end() ? nullptr : &services_[it->second];
}

const DestinationRule* Snapshot::destination_rule(std::string_view hostname) const {
  const std::vector<const DestinationRule*>* candidates = nullptr;
  if (auto it = destination_rule_by_host_.find(hostname); it != destination_rule_by_host_.end()) {
    candidates = &it->second;
  } else {
    // The most specific wildcard is the longest pattern that matches.
    size_t best = 0;
    for (const auto& [pattern, rules] : destination_rule_by_host_) {
      if (pattern.size() > best && host_matches(pattern, hostname)) {
        best = pattern.size();
        candidates = &rules;
      }
    }
  }
  if (candidates == nullptr || candidates->empty()) return nullptr;
  if (const Service* svc = service(hostname)) {
    for (const auto* dr : *candidates) {
      if (dr->meta.ns == svc->ns) return dr;
    }
  }
  return candidates->front();
}

std::vector<const VirtualService*> Snapshot::mesh_virtual_services(
    std::string_view hostname) const {
  std::vector<const VirtualService*> out;
  for (const auto& [pattern, list] : virtual_services_by_host_) {
    if (!host_matches(pattern, hostname)) continue;
    out.insert(out.end(), list.begin(), list.end());
  }
  std::sort(out.begin(), out.end(), [](const VirtualService* a, const VirtualService* b) {
    return std::tie(a->meta.ns, a->meta.name) < std::tie(b->meta.ns, b->meta.name);
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<const Service*> Snapshot::services_for(std::string_view proxy_ns) const {
  std::vector<const Service*> out;
  for (const auto& svc : services_) {
    if (visible_to(svc.export_to, svc.ns, proxy_ns)) out.push_back(&svc);
  }
  return out;
}

std::optional<MergedDestinationRule> Snapshot::destination_rule_for(
    std::string_view proxy_ns, std::string_view hostname, const Labels& workload_labels) const {
  const Service* svc = service(hostname);
  return networking_.destination_rule(proxy_ns, hostname, svc != nullptr ? svc->ns : proxy_ns,
                                      workload_labels);
}

std::vector<const Endpoint*> Snapshot::endpoints(const Service& service,
                                                 std::string_view subset) const {
  const Labels* selector = nullptr;
  if (!subset.empty()) {
    if (const auto* dr = destination_rule(service.hostname)) {
      for (const auto& s : dr->subsets) {
        if (s.name == subset) selector = &s.labels;
      }
    }
  }
  std::vector<const Endpoint*> out;
  for (const auto& ep : service.endpoints) {
    if (selector == nullptr || labels_match(*selector, ep.labels)) out.push_back(&ep);
  }
  return out;
}

}  // namespace jib::mesh
