#include "xds/serve/stream_authorizer.h"

namespace jib::xds {

PeerCredentials peer_credentials(const grpc::ServerContextBase& context) {
  PeerCredentials out;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    std::string value(it->second.data(), it->second.size());
    constexpr std::string_view kBearer = "Bearer ";
    if (value.size() > kBearer.size() && value.compare(0, kBearer.size(), kBearer) == 0) {
      out.bearer_token = value.substr(kBearer.size());
    }
  }
  auto auth = context.auth_context();
  if (auth) {
    for (const auto& pem : auth->FindPropertyValues("x509_pem_cert")) {
      out.peer_chain_pem.emplace_back(pem.data(), pem.size());
    }
    if (out.peer_chain_pem.size() == 1) {
      for (const auto& pem : auth->FindPropertyValues("x509_pem_cert_chain")) {
        out.peer_chain_pem.emplace_back(pem.data(), pem.size());
      }
    }
  }
  return out;
}

}  // namespace jib::xds
