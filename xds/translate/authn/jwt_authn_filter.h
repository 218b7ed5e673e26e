// The jwt_authn HTTP filter that enforces a workload's RequestAuthentications, as Istio
// generates it: one provider per JWT rule of every policy that applies, rules sorted by issuer;
// a request without a token passes, one with a token that no provider verifies gets 401. The
// verified payload goes to the filter's dynamic metadata under the key authorization reads
// (xds/translate/authz/rbac_matchers.h: kJwtAuthnFilter, kJwtPayloadKey).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "mesh/api/request_authentication.h"
#include "xds/translate/mesh_view.h"

namespace jib::xds::authn {

using envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter;

// Nothing when no policy has a JWT rule. A rule's key set is its inline `jwks`, else the one
// the snapshot holds for its `jwksUri`, else (not fetched, or every fetch failed)
// unfetched_jwks(): tokens are then refused, never accepted unchecked.
std::optional<HttpFilter> jwt_authn_filter(
    const std::vector<const mesh::RequestAuthentication*>& policies, const MeshView& view);

// The stand-in key set for a jwksUri not fetched (Istio's "fake JWKS"): one well-formed RSA
// 2048 public key whose private key was discarded when it was made, so that Envoy accepts the
// config and no token verifies.
const std::string& unfetched_jwks();

}  // namespace jib::xds::authn
