// JSON Web Token verification against a JWKS, with OpenSSL doing base64url and signatures.
// Only what service-account tokens use: compact JWS, RS256 and ES256.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/ossl.h"

namespace jib::ca {

// base64url (RFC 4648 §5, padding optional) via OpenSSL's decoder. False on bad input.
bool base64url_decode(std::string_view in, std::string* out);
std::string base64url_encode(std::string_view in);

struct Jwk {
  std::string kid;
  std::string alg;  // "RS256" or "ES256"
  PkeyPtr key;
};

// Parses a JWKS document ({"keys":[...]}); keys of other types or curves are skipped. False
// with *error when the document is not a JWKS or holds no usable key.
bool parse_jwks(std::string_view json, std::vector<Jwk>* keys, std::string* error);

// Verifies the compact JWS `token` against `keys` and returns its claims. Checks the
// signature only (header alg must be RS256 or ES256 and match the key); claims are the
// caller's business. False with *error otherwise.
bool verify_jws(std::string_view token, const std::vector<Jwk>& keys, nlohmann::json* claims,
                std::string* error);

// Reads claims without verifying; for picking an authenticator, never for trusting.
bool peek_jwt_claims(std::string_view token, nlohmann::json* claims);

}  // namespace jib::ca
