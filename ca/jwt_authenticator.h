// Authenticates a bearer JWT locally against a configured issuer and JWKS, for file mode,
// VMs and tests, where no API server can review tokens.
#pragma once

#include <chrono>
#include <string>

#include "base/clock.h"
#include "ca/authenticator.h"

namespace jib::ca {

struct JwtAuthenticatorOptions {
  std::string issuer;                 // required "iss"
  std::string audience = "istio-ca";  // must appear in "aud"
  std::chrono::seconds leeway{30};    // allowed clock skew on exp and nbf
};

// `jwks_json` is the JWKS document text. Null with *error when it holds no usable key.
AuthenticatorPtr make_jwt_authenticator(JwtAuthenticatorOptions options, std::string_view jwks_json,
                                        ClockPtr clock, std::string* error);

}  // namespace jib::ca
