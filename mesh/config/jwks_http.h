// The fetcher's network side: one HTTP(S) GET of a jwksUri (cpprestsdk; https verifies the
// server against the system's roots).
#pragma once

#include "mesh/config/jwks_fetcher.h"

namespace jib::mesh {

// Bodies above this are refused: no key set is that large.
inline constexpr size_t kMaxJwksBytes = 1 << 20;

// ok with the body for a 2xx answer; otherwise the error (connection, timeout, status, size).
JwksFetchResult http_fetch(const std::string& uri, std::chrono::milliseconds timeout);

}  // namespace jib::mesh
