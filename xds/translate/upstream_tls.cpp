#include "xds/translate/upstream_tls.h"

#include <set>

#include "xds/translate/names.h"
#include "xds/translate/protocol.h"
#include "xds/translate/tls_context.h"

namespace jib::xds {
namespace {

using envoy::config::cluster::v3::Cluster;
using Mode = mesh::ClientTLSSettings::Mode;

void merge_tls(const std::optional<mesh::TrafficPolicy>& policy, uint32_t port,
               std::optional<mesh::ClientTLSSettings>* out) {
  if (!policy) return;
  if (policy->tls) *out = policy->tls;
  for (const auto& level : policy->port_level_settings) {
    if (level.port && level.port->number == port && level.tls) *out = level.tls;
  }
}

// Who may answer for the service: the DestinationRule's subjectAltNames when given, else the
// SPIFFE identities of the service accounts of its endpoints (Istio's secure naming).
std::vector<std::string> expected_identities(const MeshView& view, const mesh::Service& service,
                                             const mesh::ClientTLSSettings* tls) {
  if (tls && !tls->subject_alt_names.empty()) return tls->subject_alt_names;
  std::set<std::string> ids;
  for (const auto& endpoint : service.endpoints) {
    if (endpoint.service_account.empty()) continue;
    ids.insert(
        tls::spiffe_id(view.mesh_config().trust_domain, service.ns, endpoint.service_account));
  }
  return {ids.begin(), ids.end()};
}

envoy::config::core::v3::TransportSocket istio_mutual_socket(const MeshView& view,
                                                             const mesh::Service& service,
                                                             const mesh::ServicePort& port,
                                                             const mesh::Subset* subset,
                                                             const mesh::ClientTLSSettings* tls) {
  const std::string subset_name = subset ? subset->name : "";
  std::string sni = tls && !tls->sni.empty()
                        ? tls->sni
                        : names::outbound_sni(port.number, subset_name, service.hostname);
  std::vector<std::string> alpn =
      is_http_protocol(port) ? tls::mesh_alpn_http(is_http2_protocol(port)) : tls::mesh_alpn_tcp();
  return tls::tls_socket(
      tls::istio_mutual_upstream(expected_identities(view, service, tls), alpn, sni));
}

}  // namespace

std::optional<mesh::ClientTLSSettings> effective_client_tls(const mesh::DestinationRule* rule,
                                                            const mesh::Subset* subset,
                                                            uint32_t port) {
  std::optional<mesh::ClientTLSSettings> out;
  if (rule) merge_tls(rule->traffic_policy, port, &out);
  if (subset) merge_tls(subset->traffic_policy, port, &out);
  return out;
}

void apply_upstream_tls(const MeshView& view, const mesh::Service& service,
                        const mesh::ServicePort& port, const mesh::DestinationRule* rule,
                        const mesh::Subset* subset, Cluster* cluster) {
  const auto tls = effective_client_tls(rule, subset, port.number);
  if (tls) {
    // SIMPLE and MUTUAL towards servers outside the mesh need certificates from files or
    // credentialName secrets; they are not built yet, so such clusters stay plaintext.
    if (tls->mode == Mode::kIstioMutual) {
      *cluster->mutable_transport_socket() =
          istio_mutual_socket(view, service, port, subset, &*tls);
    }
    return;
  }
  if (!view.mesh_config().enable_auto_mtls ||
      service.location == mesh::ServiceEntry::Location::kMeshExternal) {
    return;
  }
  auto* mtls = cluster->add_transport_socket_matches();
  mtls->set_name("tlsMode-istio");
  (*mtls->mutable_match()->mutable_fields())[std::string(kTlsModeKey)].set_string_value(
      std::string(kTlsModeIstio));
  *mtls->mutable_transport_socket() = istio_mutual_socket(view, service, port, subset, nullptr);
  auto* plain = cluster->add_transport_socket_matches();
  plain->set_name("tlsMode-disabled");
  plain->mutable_match();
  *plain->mutable_transport_socket() = tls::raw_buffer_socket();
}

}  // namespace jib::xds
