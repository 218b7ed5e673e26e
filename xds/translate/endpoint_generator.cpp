// EDS: one ClusterLoadAssignment per EDS cluster (STATIC services), endpoints by subset labels.
#include <map>

#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "xds/translate/generators.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/names.h"
#include "xds/translate/upstream_tls.h"

namespace jib::xds {
namespace {

using envoy::config::endpoint::v3::ClusterLoadAssignment;

// Istio's locality form is "region/zone/subzone".
void set_locality(const std::string& text, envoy::config::core::v3::Locality* locality) {
  size_t first = text.find('/');
  locality->set_region(text.substr(0, first));
  if (first == std::string::npos) return;
  size_t second = text.find('/', first + 1);
  locality->set_zone(
      text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1));
  if (second != std::string::npos) locality->set_sub_zone(text.substr(second + 1));
}

// Auto mTLS picks mesh mTLS for endpoints labelled `security.istio.io/tlsMode: istio`, unless
// the endpoint's own PeerAuthentication disables mTLS on that port: then a client sending TLS
// would fail, so Istio leaves the label out and clients send plaintext.
bool accepts_mesh_mtls(const MeshView& view, const mesh::Service& service,
                       const mesh::Endpoint& endpoint, uint32_t port) {
  auto label = endpoint.labels.find("security.istio.io/tlsMode");
  if (label == endpoint.labels.end() || label->second != kTlsModeIstio) return false;
  auto effective = view.policies().peer_authentication({service.ns, endpoint.labels});
  auto it = effective.per_port.find(port);
  auto mode = it != effective.per_port.end() ? it->second : effective.mode;
  return mode != mesh::PeerAuthenticationMutualTLS::Mode::kDisable;
}

ClusterLoadAssignment make_assignment(const MeshView& view, const std::string& cluster_name,
                                      const mesh::Service& service, const mesh::ServicePort& port,
                                      const std::vector<const mesh::Endpoint*>& endpoints) {
  ClusterLoadAssignment assignment;
  assignment.set_cluster_name(cluster_name);
  std::map<std::string, envoy::config::endpoint::v3::LocalityLbEndpoints*> by_locality;
  for (const mesh::Endpoint* endpoint : endpoints) {
    auto& group = by_locality[endpoint->locality];
    if (!group) {
      group = assignment.add_endpoints();
      if (!endpoint->locality.empty()) set_locality(endpoint->locality, group->mutable_locality());
    }
    auto* lb_endpoint = group->add_lb_endpoints();
    auto* socket = lb_endpoint->mutable_endpoint()->mutable_address()->mutable_socket_address();
    socket->set_address(endpoint->address);
    const uint32_t endpoint_port = endpoint->port_for(port);
    socket->set_port_value(endpoint_port);
    if (accepts_mesh_mtls(view, service, *endpoint, endpoint_port)) {
      auto& match = (*lb_endpoint->mutable_metadata()
                          ->mutable_filter_metadata())[std::string(kTransportSocketMatchKey)];
      (*match.mutable_fields())[std::string(kTlsModeKey)].set_string_value(
          std::string(kTlsModeIstio));
    }
    if (endpoint->weight > 0)
      lb_endpoint->mutable_load_balancing_weight()->set_value(endpoint->weight);
  }
  return assignment;
}

}  // namespace

ResourcesPtr generate_endpoints(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  Resources out;
  MeshView view(snapshot, proxy);
  for (const mesh::Service* visible : view.services()) {
    const mesh::Service& service = *visible;
    if (service.resolution != mesh::ServiceEntry::Resolution::kStatic) continue;
    const mesh::DestinationRule* rule = view.destination_rule(service);
    for (const auto& port : service.ports) {
      std::string name = names::outbound_cluster(port.number, "", service.hostname);
      out.push_back(make_resource(
          name, make_assignment(view, name, service, port, MeshView::endpoints(service, nullptr))));
      if (!rule) continue;
      for (const auto& subset : rule->subsets) {
        name = names::outbound_cluster(port.number, subset.name, service.hostname);
        out.push_back(make_resource(name, make_assignment(view, name, service, port,
                                                          MeshView::endpoints(service, &subset))));
      }
    }
  }
  return finish(std::move(out));
}

}  // namespace jib::xds
