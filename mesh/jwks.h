// JSON Web Key Sets: the one check that a RequestAuthentication's inline `jwks` and a key set
// fetched from its `jwksUri` both pass.
#pragma once

#include <string>

namespace jib::mesh {

// Empty when `text` is a JSON Web Key Set ({"keys": [...]}, each key with the members its
// type needs: RFC 7518 section 6, RFC 8037 for OKP) or, as Istio also accepts, one JSON Web
// Key; otherwise why it is not.
std::string check_jwks(const std::string& text);

}  // namespace jib::mesh
