#include "ca/grpc_service.h"

#include "ca/caller_credentials.h"

namespace jib::ca {
grpc::Status IstioCertificateGrpcService::CreateCertificate(
    grpc::ServerContext* context, const istio::v1::auth::IstioCertificateRequest* request,
    istio::v1::auth::IstioCertificateResponse* response) {
  std::vector<std::string> chain;
  CaStatus st = service_->create_certificate(caller_credentials(*context), request->csr(),
                                             request->validity_duration(), &chain);
  if (!st.ok()) return st.to_grpc();
  for (auto& c : chain) response->add_cert_chain(std::move(c));
  return grpc::Status::OK;
}

}  // namespace jib::ca
