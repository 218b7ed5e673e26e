#include "ca/client_cert_authenticator.h"

#include "base/ossl.h"
#include "ca/key_cert_bundle.h"

namespace jib::ca {
namespace {

class ClientCertAuthenticator final : public Authenticator {
 public:
  ClientCertAuthenticator(std::string trust_domain, const TrustBundlePublisher* bundles,
                          ClockPtr clock)
      : trust_domain_(std::move(trust_domain)), bundles_(bundles), clock_(std::move(clock)) {}

  std::string name() const override { return "client-cert"; }

  AuthResult authenticate(const AuthRequest& request) override {
    if (request.peer_chain_pem.empty()) return AuthResult::NotApplicable();
    std::vector<X509Ptr> chain;
    for (const auto& pem : request.peer_chain_pem) {
      if (!certs_from_pem(pem, &chain)) return AuthResult::Denied("client certificate is not PEM");
    }
    if (chain.empty()) return AuthResult::Denied("client certificate is empty");
    TrustBundlePtr bundle = bundles_->current();
    if (!bundle) return AuthResult::Denied("no trust bundle yet");
    std::vector<X509Ptr> roots;
    for (const auto& pem : bundle->roots_pem) certs_from_pem(pem, &roots);
    std::vector<X509*> root_ptrs, inter;
    for (auto& r : roots) root_ptrs.push_back(r.get());
    for (size_t i = 1; i < chain.size(); ++i) {
      if (X509_cmp(chain[i].get(), chain[0].get()) != 0) inter.push_back(chain[i].get());
    }
    std::string err =
        verify_chain(chain[0].get(), inter, root_ptrs, clock_->now(), X509_PURPOSE_SSL_CLIENT);
    if (!err.empty()) {
      return AuthResult::Denied("client certificate does not verify against the mesh roots: " +
                                err);
    }
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(chain[0].get(), NID_subject_alt_name, nullptr, nullptr)));
    std::string uri;
    int uris = 0;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
      if (gn->type != GEN_URI) continue;
      ++uris;
      const ASN1_STRING* s = gn->d.uniformResourceIdentifier;
      uri.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                 static_cast<size_t>(ASN1_STRING_length(s)));
    }
    // An SVID has exactly one URI SAN; anything else is not one of ours.
    if (uris != 1) return AuthResult::Denied("client certificate is not an SVID (URI SANs != 1)");
    auto sa = parse_spiffe_id(uri, trust_domain_);
    if (!sa) {
      return AuthResult::Denied("client certificate identity " + uri +
                                " is not a service account of trust domain " + trust_domain_);
    }
    return AuthResult::Accepted(*sa);
  }

 private:
  std::string trust_domain_;
  const TrustBundlePublisher* bundles_;
  ClockPtr clock_;
};

}  // namespace

AuthenticatorPtr make_client_cert_authenticator(std::string trust_domain,
                                                const TrustBundlePublisher* bundles,
                                                ClockPtr clock) {
  return std::make_unique<ClientCertAuthenticator>(std::move(trust_domain), bundles,
                                                   std::move(clock));
}

}  // namespace jib::ca
