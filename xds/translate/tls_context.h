// Istio's mesh mTLS building blocks: the SDS secrets a sidecar uses (`default`, its own key and
// chain; `ROOTCA`, the trust bundle) and the TLS contexts and ALPN values of in-mesh traffic.
// Sidecars fetch both secrets from their agent through the bootstrap's `sds-grpc` cluster.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "envoy/config/core/v3/base.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"

namespace jib::xds::tls {

using envoy::extensions::transport_sockets::tls::v3::DownstreamTlsContext;
using envoy::extensions::transport_sockets::tls::v3::UpstreamTlsContext;

inline constexpr std::string_view kSdsCluster = "sds-grpc";
inline constexpr std::string_view kWorkloadSecret = "default";
inline constexpr std::string_view kRootSecret = "ROOTCA";
inline constexpr std::string_view kTlsSocketName = "envoy.transport_sockets.tls";
inline constexpr std::string_view kRawBufferSocketName = "envoy.transport_sockets.raw_buffer";

// ALPN that a client sidecar offers so that the server sidecar knows the peer is in the mesh:
// HTTP clusters name the HTTP version, TCP ones Istio's generic values.
std::vector<std::string> mesh_alpn_http(bool http2);
std::vector<std::string> mesh_alpn_tcp();
// Every ALPN value above: what an inbound mTLS filter chain accepts.
std::vector<std::string> mesh_alpn_all();

// SPIFFE identity of a service account: spiffe://<trust domain>/ns/<ns>/sa/<sa>.
std::string spiffe_id(std::string_view trust_domain, std::string_view ns, std::string_view sa);

// Client side of ISTIO_MUTUAL: present `default`, verify the server against `ROOTCA` and, when
// `subject_alt_names` is not empty, that its certificate carries one of them as a URI SAN.
UpstreamTlsContext istio_mutual_upstream(const std::vector<std::string>& subject_alt_names,
                                         const std::vector<std::string>& alpn,
                                         const std::string& sni);

// Server side of mesh mTLS: present `default`, require a client certificate chaining to
// `ROOTCA` whose URI SAN is a SPIFFE ID, TLS 1.2 at least.
DownstreamTlsContext istio_mutual_downstream(const std::vector<std::string>& alpn);

envoy::config::core::v3::TransportSocket tls_socket(const google::protobuf::Message& context);
envoy::config::core::v3::TransportSocket raw_buffer_socket();

}  // namespace jib::xds::tls
