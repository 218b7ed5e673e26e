// CUSTOM AuthorizationPolicies as Istio builds them: an RBAC filter whose shadow rules are the
// CUSTOM policies' rules (policy names prefixed `istio-ext-authz-`), and the ext_authz filter
// of the MeshConfig extension provider they name, enabled only when that shadow engine matched:
// requests outside the policies' rules never reach the authorizer. One provider per workload,
// as Istio: policies naming another are ignored.
#pragma once

#include <vector>

#include "mesh/api/mesh_config.h"
#include "mesh/model/policy_index.h"
#include "xds/translate/authz/authz_filters.h"

namespace jib::xds::authz {

inline constexpr std::string_view kExtAuthzPolicyPrefix = "istio-ext-authz-";
inline constexpr std::string_view kExtAuthzShadowPrefix = "istio_ext_authz_";

// Empty when no CUSTOM policy applies or its provider is not an ext_authz provider of the mesh.
std::vector<HttpFilter> custom_http_filters(
    const std::vector<const mesh::AuthorizationPolicy*>& custom,
    const mesh::MeshConfig& mesh_config);

}  // namespace jib::xds::authz
