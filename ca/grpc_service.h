// gRPC adapter: istio.v1.auth.IstioCertificateService over CsrService.
#pragma once

#include <memory>

#include "ca/csr_service.h"
#include "proto/istio/ca.grpc.pb.h"

namespace jib::ca {

class IstioCertificateGrpcService final : public istio::v1::auth::IstioCertificateService::Service {
 public:
  explicit IstioCertificateGrpcService(CsrService* service) : service_(service) {}

  grpc::Status CreateCertificate(grpc::ServerContext* context,
                                 const istio::v1::auth::IstioCertificateRequest* request,
                                 istio::v1::auth::IstioCertificateResponse* response) override;

 private:
  CsrService* service_;
};

}  // namespace jib::ca
