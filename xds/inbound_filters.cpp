#include "xds/inbound_filters.h"

namespace jib::xds {

InboundFilters inbound_filters(const MeshView& view) {
  const mesh::PolicyWorkload workload{view.proxy().ns, view.proxy().labels};
  const auto policies = view.snapshot().policies().authorization_policies(workload);
  InboundFilters out;
  out.http = authz::rbac_http_filters(policies);
  out.network = authz::rbac_network_filters(policies);
  return out;
}

}  // namespace jib::xds
