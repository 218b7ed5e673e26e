#include "mesh/model/snapshot.h"

#include <algorithm>

#include "mesh/model/k8s_service_registry.h"

namespace jib::mesh {
namespace {

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

}  // namespace jib::mesh
