// Envoy's jwt_authn filter config as Istio builds it from RequestAuthentication JWT rules.
//
// Plain C++17 types only: the generated jwt_authn header has a field named `requires`, a C++20
// keyword that protoc 3.21 does not escape, so the one file that includes it
// (jwt_authn_config.cpp) is compiled as C++17, and so may be any file that includes this one.
#pragma once

#include <string>
#include <vector>

#include <google/protobuf/any.pb.h>

namespace jib::xds::authn {

struct JwtHeaderLocation {
  std::string name;
  std::string value_prefix;  // e.g. "Bearer "; stripped before the token is decoded
};

struct JwtClaimHeader {
  std::string header;
  std::string claim;
};

// One issuer's rule. When from_headers, from_params and from_cookies are all empty, Envoy looks
// where Istio documents: `Authorization: Bearer <token>`, then the `access_token` query parameter.
struct JwtProviderSpec {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string local_jwks;  // the key set, inline JSON
  std::vector<JwtHeaderLocation> from_headers;
  std::vector<std::string> from_params;
  std::vector<std::string> from_cookies;
  std::string forward_payload_header;  // outputPayloadToHeader
  bool forward = false;                // forwardOriginalToken
  std::vector<JwtClaimHeader> claim_to_headers;
  std::string payload_in_metadata;  // where authorization finds the verified payload
  std::vector<std::string> space_delimited_claims;  // claims normalised to lists in metadata
};

// envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication, packed. Providers are named
// "origins-<index>" in the order given. Every request must satisfy, for each provider, "a token
// it verifies, or no token at all" (Istio's requires_any {provider, allow_missing}): a request
// without a token passes (authorization judges it later), one whose token fails is refused with
// 401. With several providers, "any one of them verifies a token" also passes, for providers
// that look in the same place. CORS preflight requests are not checked.
google::protobuf::Any jwt_authentication(const std::vector<JwtProviderSpec>& providers);

}  // namespace jib::xds::authn
