// The ports on which a sidecar accepts traffic for its own workload, and where it hands that
// traffic to the app. Listeners and clusters are both built from this one list.
#pragma once

#include <string>
#include <vector>

#include "mesh/api/service_entry.h"
#include "xds/translate/mesh_view.h"

namespace jib::xds {

struct InboundPort {
  mesh::ServicePort port;      // number, protocol and name as the Sidecar ingress gives them
  std::string bind;            // listener address (without capture)
  std::string endpoint_host;   // the app's address; empty: the original destination
  uint32_t endpoint_port = 0;  // the app's port
  std::string cluster;         // "inbound|<port>||"
};

// The ports a sidecar accepts on for its workload.
// - Without traffic capture (INTERCEPTION_MODE NONE): the ingress listeners of its Sidecar,
//   each bound on `bind`, else the proxy's IP, forwarding to `defaultEndpoint`
//   (127.0.0.1:<port> when left out; 0.0.0.0 means the proxy's IP). Unix socket endpoints are
//   skipped.
// - With capture: the Sidecar's ingress ports when it lists some; otherwise every port of every
//   service endpoint at the proxy's IP (its service instances, by workload port), sent on to
//   the original destination, as Istio's virtualInbound.
std::vector<InboundPort> inbound_ports(const MeshView& view);

// Whether the proxy's IP changes its inbound ports (NONE mode with ingress bound on the proxy's
// IP, or captured mode with service instances): generated output is then cached per IP.
bool inbound_depends_on_ip(const mesh::Snapshot& snapshot, const Proxy& proxy);

}  // namespace jib::xds
