// The ports on which a sidecar accepts traffic for its own workload, and where it hands that
// traffic to the app. Listeners and clusters are both built from this one list.
#pragma once

#include <string>
#include <vector>

#include "mesh/service_entry.h"
#include "xds/mesh_view.h"

namespace jib::xds {

struct InboundPort {
  mesh::ServicePort port;      // number, protocol and name as the Sidecar ingress gives them
  std::string bind;            // listener address
  std::string endpoint_host;   // the app's address
  uint32_t endpoint_port = 0;  // the app's port
  std::string cluster;         // "inbound|<port>||"
};

// Without traffic capture (INTERCEPTION_MODE NONE) a sidecar accepts only on the ingress
// listeners of its Sidecar: each binds `bind`, else the proxy's IP, and forwards to
// `defaultEndpoint` (127.0.0.1:<port> when left out; 0.0.0.0 means the proxy's IP). Unix
// socket endpoints are skipped. Captured modes get nothing here yet.
std::vector<InboundPort> inbound_ports(const MeshView& view);

}  // namespace jib::xds
