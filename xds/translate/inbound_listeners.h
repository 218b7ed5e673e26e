// Inbound listeners of a sidecar: one per inbound port, with the filter chains that Istio builds
// from the workload's PeerAuthentication (STRICT: mesh mTLS only; PERMISSIVE: mesh mTLS, and
// plaintext or foreign TLS passed as they come; DISABLE: plaintext only), told apart by the TLS
// inspector and the client's ALPN. HTTP chains forward the peer identity to the app in
// x-forwarded-client-cert.
#pragma once

#include <vector>

#include "envoy/config/listener/v3/listener.pb.h"
#include "xds/translate/inbound_ports.h"
#include "xds/translate/mesh_view.h"

namespace jib::xds {

// Without capture: one listener per inbound port, on its bind address.
envoy::config::listener::v3::Listener inbound_listener(const MeshView& view,
                                                       const InboundPort& inbound);
// With capture: `virtualInbound` on 15006, the chains of each port matched on the original
// destination port, other ports passed through to the original destination.
envoy::config::listener::v3::Listener virtual_inbound(const MeshView& view,
                                                      const std::vector<InboundPort>& ports);

}  // namespace jib::xds
