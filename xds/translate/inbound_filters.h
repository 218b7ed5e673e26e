// What a workload's inbound chains run before handing traffic to the app, computed once per
// listener: for HTTP, in Istio's order, request authentication (jwt_authn), then authorization:
// CUSTOM (ext_authz), DENY, ALLOW, AUDIT; for TCP, authorization by RBAC.
#pragma once

#include <vector>

#include "xds/translate/authz/authz_filters.h"
#include "xds/translate/mesh_view.h"

namespace jib::xds {

struct InboundFilters {
  std::vector<authz::HttpFilter> http;  // the router is not included
  std::vector<authz::Filter> network;   // before tcp_proxy
};

InboundFilters inbound_filters(const MeshView& view);

}  // namespace jib::xds
