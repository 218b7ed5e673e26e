// The outcome of a CA operation, carrying the gRPC status code the CSR service returns.
// Codes follow istiod: authentication failures are UNAUTHENTICATED, bad CSRs and TTLs are
// INVALID_ARGUMENT, a CA that cannot sign is INTERNAL (istio security/pkg/pki/error).
#pragma once

#include <grpcpp/support/status.h>

#include <string>

namespace jib::ca {

struct CaStatus {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;

  bool ok() const { return code == grpc::StatusCode::OK; }
  grpc::Status to_grpc() const { return grpc::Status(code, message); }

  static CaStatus Ok() { return {}; }
  static CaStatus InvalidArgument(std::string m) {
    return {grpc::StatusCode::INVALID_ARGUMENT, std::move(m)};
  }
  static CaStatus Unauthenticated(std::string m) {
    return {grpc::StatusCode::UNAUTHENTICATED, std::move(m)};
  }
  static CaStatus Internal(std::string m) { return {grpc::StatusCode::INTERNAL, std::move(m)}; }
};

}  // namespace jib::ca
