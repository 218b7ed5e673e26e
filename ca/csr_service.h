// The CSR flow without the transport: authenticate the caller, check the CSR against the
// caller's identity, resolve the TTL, sign. The gRPC service is a thin adapter over this.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "ca/authenticator.h"
#include "ca/authority.h"
#include "ca/ca_status.h"

namespace jib::ca {

// Counters named as Istio's citadel_server_* metrics, for the lead's /metrics later.
struct CsrCounters {
  std::atomic<uint64_t> csr_count{0};  // citadel_server_csr_count
  std::atomic<uint64_t> authentication_failure_count{
      0};                                          // citadel_server_authentication_failure_count
  std::atomic<uint64_t> csr_parsing_err_count{0};  // citadel_server_csr_parsing_err_count
  std::atomic<uint64_t> success_cert_issuance_count{
      0};  // citadel_server_success_cert_issuance_count
};

class CsrService {
 public:
  CsrService(std::string trust_domain, std::vector<AuthenticatorPtr> authenticators,
             const Authority* authority);

  // Returns OK and the chain (leaf first, root last), or UNAUTHENTICATED when no
  // authenticator accepts the caller, INVALID_ARGUMENT for a bad CSR or TTL, INTERNAL when the
  // CA cannot sign. Thread-safe.
  CaStatus create_certificate(const AuthRequest& auth, std::string_view csr_pem,
                              int64_t validity_seconds, std::vector<std::string>* chain);

  // Asks each authenticator in order; the first that accepts decides. UNAUTHENTICATED with
  // every refusal's reason when none does. Thread-safe; also used by secure xDS.
  CaStatus authenticate(const AuthRequest& auth, ServiceAccount* caller) const;

  const CsrCounters& counters() const { return counters_; }

 private:
  std::string trust_domain_;
  std::vector<AuthenticatorPtr> authenticators_;
  const Authority* authority_;
  CsrCounters counters_;
};

}  // namespace jib::ca
