#include "ca/caller_credentials.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <string_view>

namespace jib::ca {

AuthRequest caller_credentials(const grpc::ServerContextBase& context) {
  AuthRequest out;
  // As Istio's ExtractBearerToken: the first "authorization" value with the "Bearer " prefix.
  constexpr std::string_view kBearer = "Bearer ";
  const auto [begin, end] = context.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end && !out.bearer_token; ++it) {
    const std::string_view value(it->second.data(), it->second.size());
    if (value.size() > kBearer.size() && value.starts_with(kBearer)) {
      out.bearer_token = std::string(value.substr(kBearer.size()));
    }
  }
  const auto auth = context.auth_context();
  if (!auth) return out;
  // The leaf comes from its own property: on the server side OpenSSL's peer chain leaves the
  // leaf out. The chain property adds what the client sent besides it.
  for (const auto& pem : auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME)) {
    out.peer_chain_pem.emplace_back(pem.data(), pem.size());
  }
  if (!out.peer_chain_pem.empty()) {
    for (const auto& pem : auth->FindPropertyValues(GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME)) {
      out.peer_chain_pem.emplace_back(pem.data(), pem.size());
    }
  }
  return out;
}

}  // namespace jib::ca
