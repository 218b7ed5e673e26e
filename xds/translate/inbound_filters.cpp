#include "xds/translate/inbound_filters.h"

#include "xds/translate/authn/jwt_authn_filter.h"
#include "xds/translate/authz/ext_authz_filter.h"

namespace jib::xds {

InboundFilters inbound_filters(const MeshView& view) {
  const mesh::PolicyWorkload workload{view.proxy().ns, view.proxy().labels};
  const auto policies = view.policies().authorization_policies(workload);
  InboundFilters out;
  out.http = authz::custom_http_filters(policies.custom, view.mesh_config());
  for (auto& filter : authz::rbac_http_filters(policies)) out.http.push_back(std::move(filter));
  // Authentication comes first: authorization reads the payload it verified.
  const auto authentications = view.policies().request_authentications(workload);
  if (auto jwt = authn::jwt_authn_filter(authentications, view)) {
    out.http.insert(out.http.begin(), std::move(*jwt));
  }
  out.network = authz::rbac_network_filters(policies);
  return out;
}

}  // namespace jib::xds
