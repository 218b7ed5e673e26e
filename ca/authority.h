// Signs certificates with the current CA material: SPIFFE X.509-SVIDs for workloads and the
// TLS serving certificate of jibd itself. Thread-safe; the material can be swapped at any time.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "ca/ca_status.h"
#include "ca/cert_signer.h"
#include "ca/key_cert_bundle.h"

namespace jib::ca {

struct AuthorityOptions {
  std::chrono::seconds default_ttl{std::chrono::hours(24)};
  // Like istiod's --max-workload-cert-ttl (default 90 days).
  std::chrono::seconds max_ttl{std::chrono::hours(24 * 90)};
  // NotBefore is set this far in the past so that peers with slow clocks accept new certs.
  std::chrono::seconds backdate{std::chrono::minutes(2)};
};

class Authority {
 public:
  Authority(AuthorityOptions options, ClockPtr clock);

  // Installs new CA material; signing calls already running finish with the old one.
  void set_bundle(KeyCertBundlePtr bundle);
  // The current material; null before the first set_bundle.
  KeyCertBundlePtr bundle() const;

  // The lifetime to issue for a requested validity in seconds: the default for <= 0, refused
  // with INVALID_ARGUMENT above the maximum (as istiod does), the request otherwise.
  CaStatus resolve_ttl(int64_t requested_seconds, std::chrono::seconds* ttl) const;

  // Issues an X.509-SVID for `spiffe_uri` over `public_key`: one critical URI SAN, empty
  // subject, CA:FALSE, keyUsage digitalSignature (+keyEncipherment for RSA), serverAuth and
  // clientAuth, SKI/AKI, random 128-bit serial. NotAfter never passes the signing cert's.
  // Fills `chain` with PEM certificates, leaf first and root last.
  CaStatus sign_workload(EVP_PKEY* public_key, const std::string& spiffe_uri,
                         std::chrono::seconds ttl, std::vector<std::string>* chain) const;
  // The same for a public key as a CSR carries it (X509_REQ_get_X509_PUBKEY): its encoding is
  // copied into the certificate as is, which saves re-encoding the key. The path for CSRs.
  CaStatus sign_workload(const X509_PUBKEY* public_key, const std::string& spiffe_uri,
                         std::chrono::seconds ttl, std::vector<std::string>* chain) const;

  // Issues a TLS server certificate for DNS names and IP addresses in `sans`.
  CaStatus sign_server(EVP_PKEY* public_key, const std::vector<std::string>& sans,
                       std::chrono::seconds ttl, std::vector<std::string>* chain) const;

  const AuthorityOptions& options() const { return options_; }

 private:
  CaStatus issue(const SpkiView& public_key, GENERAL_NAMES* sans, bool workload,
                 std::chrono::seconds ttl, std::vector<std::string>* chain) const;

  AuthorityOptions options_;
  ClockPtr clock_;
  mutable std::mutex mu_;
  KeyCertBundlePtr bundle_;
  // Prepared from bundle_ by set_bundle; null (with signer_error_) when that failed.
  CertSignerPtr signer_;
  std::string signer_error_;
};

}  // namespace jib::ca
