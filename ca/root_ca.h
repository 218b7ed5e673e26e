// Creation of a self-signed root CA certificate.
#pragma once

#include <chrono>
#include <string>

#include "base/ossl.h"

namespace jib::ca {

// How far a new root's NotBefore is set in the past, for peers with slow clocks.
inline constexpr std::chrono::minutes kRootBackdate{2};

struct RootCa {
  PkeyPtr key;
  X509Ptr cert;
};

// Makes a new key of `key_kind` ("ec", "ec384", "rsa2048", ...) and a self-signed root for
// `trust_domain`, valid from `now` (back-dated by kRootBackdate) for `ttl`. The subject
// carries a random suffix so successive roots never share a name. Null key on failure.
RootCa make_self_signed_root(std::string_view key_kind, std::string_view trust_domain,
                             TimePoint now, std::chrono::seconds ttl, std::string* error);

}  // namespace jib::ca
