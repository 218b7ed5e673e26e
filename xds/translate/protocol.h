// Istio's port protocols, as generators need to tell them apart.
#pragma once

#include "mesh/api/service_entry.h"

namespace jib::xds {

// HTTP, HTTP2, GRPC and GRPC-WEB ports are routed by HTTP routes; the rest are TCP.
inline bool is_http_protocol(const mesh::ServicePort& port) {
  return port.protocol == "HTTP" || port.protocol == "HTTP2" || port.protocol == "GRPC" ||
         port.protocol == "GRPC-WEB";
}

// Ports whose clusters speak HTTP/2 upstream.
inline bool is_http2_protocol(const mesh::ServicePort& port) {
  return port.protocol == "HTTP2" || port.protocol == "GRPC" || port.protocol == "GRPC-WEB";
}

}  // namespace jib::xds
