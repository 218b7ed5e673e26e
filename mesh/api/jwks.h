// JSON Web Key Sets: the one check that a RequestAuthentication's inline `jwks` and a key set
// fetched from its `jwksUri` both pass.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mesh/api/request_authentication.h"

namespace jib::mesh {

// JSON Web Key Sets fetched from RequestAuthentications' jwksUris, by URI (fetched by jibd,
// not from the store; see mesh/config/jwks_fetcher.h).
using JwksByUri = std::map<std::string, std::string, std::less<>>;
using JwksByUriPtr = std::shared_ptr<const JwksByUri>;

// Where a rule's key set comes from when it is not inline, and the key under which the
// snapshot holds it once fetched: its jwksUri, else (as istiod does) the OpenID discovery
// document of an http(s) issuer, `<issuer>/.well-known/openid-configuration`, whose `jwks_uri`
// names the key set. Nothing for an inline key set or an issuer that is not a URL.
struct JwksSource {
  std::string uri;
  bool openid_discovery = false;
};
std::optional<JwksSource> jwks_source(const JWTRule& rule);

// Empty when `text` is a JSON Web Key Set ({"keys": [...]}, each key with the members its
// type needs: RFC 7518 section 6, RFC 8037 for OKP) or, as Istio also accepts, one JSON Web
// Key; otherwise why it is not.
std::string check_jwks(const std::string& text);

}  // namespace jib::mesh
