// Translation of one VirtualService HTTP route into Envoy routes.
#pragma once

#include <cstdint>
#include <vector>

#include "envoy/config/route/v3/route_components.pb.h"
#include "mesh/model/snapshot.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/proxy.h"

namespace jib::xds {

// Where the route is being built: the proxy and the listener port it serves.
struct RouteContext {
  const MeshView& view;
  const Proxy& proxy;
  uint32_t port;
};

// The Envoy routes for one HTTPRoute: one per match that applies to this proxy and port (one
// catch-all when the route has no match), empty when no match applies.
std::vector<envoy::config::route::v3::Route> translate_http_route(const RouteContext& context,
                                                                  const mesh::HTTPRoute& route);

// The route that a host without VirtualService gets: everything to its default cluster.
envoy::config::route::v3::Route default_route(const std::string& cluster);

}  // namespace jib::xds
