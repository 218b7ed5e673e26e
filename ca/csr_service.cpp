#include "ca/csr_service.h"

#include "base/log.h"
#include "ca/csr_validator.h"

namespace jib::ca {

CsrService::CsrService(std::string trust_domain, std::vector<AuthenticatorPtr> authenticators,
                       const Authority* authority)
    : trust_domain_(std::move(trust_domain)),
      authenticators_(std::move(authenticators)),
      authority_(authority) {}

CaStatus CsrService::authenticate(const AuthRequest& auth, ServiceAccount* caller) const {
  std::string failures;
  for (const auto& a : authenticators_) {
    AuthResult r = a->authenticate(auth);
    if (r.kind == AuthResult::Kind::kAccepted) {
      *caller = r.caller;
      return CaStatus::Ok();
    }
    if (r.kind == AuthResult::Kind::kDenied) {
      if (!failures.empty()) failures += "; ";
      failures += a->name() + ": " + r.message;
    }
  }
  if (failures.empty()) failures = "no bearer token or client certificate";
  return CaStatus::Unauthenticated("authentication failed: " + failures);
}

CaStatus CsrService::create_certificate(const AuthRequest& auth, std::string_view csr_pem,
                                        int64_t validity_seconds, std::vector<std::string>* chain) {
  counters_.csr_count++;
  ServiceAccount caller;
  if (auto st = authenticate(auth, &caller); !st.ok()) {
    counters_.authentication_failure_count++;
    log::info("ca", "CSR refused: ", st.message);
    return st;
  }
  const std::string identity = spiffe_id(trust_domain_, caller);
  ValidatedCsr csr;
  if (auto st = validate_csr(csr_pem, identity, &csr); !st.ok()) {
    counters_.csr_parsing_err_count++;
    log::info("ca", "CSR refused for ", identity, ": ", st.message);
    return st;
  }
  std::chrono::seconds ttl;
  if (auto st = authority_->resolve_ttl(validity_seconds, &ttl); !st.ok()) {
    log::info("ca", "CSR refused for ", identity, ": ", st.message);
    return st;
  }
  // The CSR's encoded public key goes into the certificate as is (no re-encoding).
  const X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(csr.req.get());
  if (auto st = authority_->sign_workload(spki, identity, ttl, chain); !st.ok()) {
    log::error("ca", "signing failed for ", identity, ": ", st.message);
    return st;
  }
  counters_.success_cert_issuance_count++;
  log::debug("ca", "issued ", identity, " (", csr.key_description, ", ", ttl.count(), "s)");
  return CaStatus::Ok();
}

}  // namespace jib::ca
