#include "ca/grpc_service.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>

namespace jib::ca {
namespace {

AuthRequest auth_request_from(const grpc::ServerContext& context) {
  AuthRequest out;
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it != md.end()) {
    std::string_view value(it->second.data(), it->second.size());
    constexpr std::string_view kBearer = "Bearer ";
    if (value.size() > kBearer.size() && value.substr(0, kBearer.size()) == kBearer) {
      out.bearer_token = std::string(value.substr(kBearer.size()));
    }
  }
  auto auth = context.auth_context();
  if (auth) {
    // The leaf comes from its own property: on the server side OpenSSL's peer chain leaves
    // the leaf out. The chain property adds what the client sent besides it.
    for (const auto& c : auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME)) {
      out.peer_chain_pem.emplace_back(c.data(), c.size());
    }
    if (!out.peer_chain_pem.empty()) {
      for (const auto& c : auth->FindPropertyValues(GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME)) {
        out.peer_chain_pem.emplace_back(c.data(), c.size());
      }
    }
  }
  return out;
}

}  // namespace

grpc::Status IstioCertificateGrpcService::CreateCertificate(
    grpc::ServerContext* context, const istio::v1::auth::IstioCertificateRequest* request,
    istio::v1::auth::IstioCertificateResponse* response) {
  std::vector<std::string> chain;
  CaStatus st = service_->create_certificate(auth_request_from(*context), request->csr(),
                                             request->validity_duration(), &chain);
  if (!st.ok()) return st.to_grpc();
  for (auto& c : chain) response->add_cert_chain(std::move(c));
  return grpc::Status::OK;
}

}  // namespace jib::ca
