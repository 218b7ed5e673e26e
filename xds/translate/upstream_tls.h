// How a sidecar secures its connections to a service: the DestinationRule's `tls` for the
// cluster (rule, then its port-level setting, then the subset's, each overriding the one
// before, as Istio merges them), else auto mTLS: mesh mTLS to endpoints that carry Istio's
// `tlsMode: istio` metadata and plaintext to the rest.
#pragma once

#include <optional>
#include <string>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "mesh/api/destination_rule.h"
#include "xds/translate/mesh_view.h"

namespace jib::xds {

// Endpoint metadata that selects the mesh mTLS transport socket of auto mTLS clusters.
inline constexpr std::string_view kTransportSocketMatchKey = "envoy.transport_socket_match";
inline constexpr std::string_view kTlsModeKey = "tlsMode";
inline constexpr std::string_view kTlsModeIstio = "istio";

// The `tls` in force for one port of a service, and a subset (nullptr: none).
std::optional<mesh::ClientTLSSettings> effective_client_tls(const mesh::DestinationRule* rule,
                                                            const mesh::Subset* subset,
                                                            uint32_t port);

// Sets the cluster's transport socket (or socket matches) for that service, port and subset.
void apply_upstream_tls(const MeshView& view, const mesh::Service& service,
                        const mesh::ServicePort& port, const mesh::DestinationRule* rule,
                        const mesh::Subset* subset, envoy::config::cluster::v3::Cluster* cluster);

}  // namespace jib::xds
