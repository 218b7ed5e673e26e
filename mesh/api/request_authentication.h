// security.istio.io RequestAuthentication (v1beta1 and v1), as typed values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/policy_target.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

struct JWTHeader {
  std::string name;
  std::string prefix;  // stripped before decoding, e.g. "Bearer "
  bool operator==(const JWTHeader&) const = default;
};

struct ClaimToHeader {
  std::string header;
  std::string claim;
  bool operator==(const ClaimToHeader&) const = default;
};

struct JWTRule {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string jwks_uri;  // also read from the legacy spelling jwks_uri
  std::string jwks;      // inline JSON Web Key Set
  std::vector<JWTHeader> from_headers;
  std::vector<std::string> from_params;
  std::vector<std::string> from_cookies;
  std::string output_payload_to_header;
  bool forward_original_token = false;
  std::vector<ClaimToHeader> output_claim_to_headers;
  std::optional<Duration> timeout;
  bool operator==(const JWTRule&) const = default;
};

struct RequestAuthentication {
  ObjectMeta meta;
  PolicyScope scope;
  std::vector<JWTRule> jwt_rules;
  bool operator==(const RequestAuthentication&) const = default;
};

}  // namespace jib::mesh
