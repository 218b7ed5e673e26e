// The request path as the sidecar's HTTP connection manager hands it to the RBAC filter:
// xds/ sets normalize_path (Istio's default BASE normalization), so dot segments are resolved
// as RFC 3986 section 5.2.4 says before any policy looks at the path. `jibctl authz check`
// runs its request through this to judge the path Envoy would judge.
#pragma once

#include <string>
#include <string_view>

namespace jib::xds::authz {

// `path` may carry a query (kept as is) and need not start with '/'.
std::string normalized_path(std::string_view path);

}  // namespace jib::xds::authz
