// The credentials a gRPC caller presents, read the same way by the CA and by secure xDS: the
// bearer token of its metadata and the certificate chain of its TLS connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace grpc {
class ServerContextBase;
}

namespace jib::ca {

// What the transport knows about a caller.
struct AuthRequest {
  // The bearer token from the "authorization: Bearer <token>" request metadata, if any.
  std::optional<std::string> bearer_token;
  // The TLS client certificate and any chain it sent, as PEM texts (each may hold several
  // certificates), leaf first; empty without a client certificate.
  std::vector<std::string> peer_chain_pem;
};

// Reads the credentials of a call; the result is safe to keep after the call ends.
AuthRequest caller_credentials(const grpc::ServerContextBase& context);

}  // namespace jib::ca
