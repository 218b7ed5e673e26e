// Builds and signs leaf certificates with one KeyCertBundle. Everything that is the same for
// every leaf (digests, the signing context, the constant extensions, the AKI, the issuer's
// validity) is prepared once when the bundle is installed, so that issuing costs little more
// than the signature itself. Immutable once built and safe to use from many threads at once.
#pragma once

#include <memory>
#include <string>

#include "base/ossl.h"
#include "ca/key_cert_bundle.h"

namespace jib::ca {

// A subject public key as encoded in a SubjectPublicKeyInfo: the algorithm and the key bytes
// (the BIT STRING's content). Views only; the owner outlives the call.
struct SpkiView {
  const X509_ALGOR* algorithm = nullptr;
  const unsigned char* key = nullptr;
  int key_len = 0;
};

// The SubjectPublicKeyInfo of a parsed X509_PUBKEY (a CSR's), without touching its EVP_PKEY.
bool spki_view(const X509_PUBKEY* pub, SpkiView* out);

// An EVP_PKEY's SubjectPublicKeyInfo, encoded once and split without decoding the key again.
class OwnedSpki {
 public:
  bool init(EVP_PKEY* key);
  const SpkiView& view() const { return view_; }

 private:
  bool init_ec(EVP_PKEY* key);

  std::unique_ptr<X509_ALGOR, OsslDeleter<X509_ALGOR_free>> algorithm_;
  std::unique_ptr<ASN1_BIT_STRING, OsslDeleter<ASN1_BIT_STRING_free>> key_;
  SpkiView view_;
};

class CertSigner {
 public:
  // Null with *error when the bundle cannot sign (e.g. its certificate has no key identifier).
  static std::shared_ptr<const CertSigner> create(KeyCertBundlePtr bundle, std::string* error);

  const KeyCertBundlePtr& bundle() const { return bundle_; }
  TimePoint issuer_not_before() const { return issuer_not_before_; }
  TimePoint issuer_not_after() const { return issuer_not_after_; }

  // Issues a leaf for `subject` with `sans` (critical SAN, empty subject name), CA:FALSE,
  // keyUsage digitalSignature (+keyEncipherment for RSA keys), extKeyUsage serverAuth and
  // clientAuth for workloads or serverAuth alone, SKI, AKI, a random 128-bit serial, and the
  // given validity. Returns the leaf as PEM in *pem; false with *error otherwise.
  bool sign(const SpkiView& subject, GENERAL_NAMES* sans, bool workload, TimePoint not_before,
            TimePoint not_after, std::string* pem, std::string* error) const;

 private:
  CertSigner() = default;

  KeyCertBundlePtr bundle_;
  TimePoint issuer_not_before_;
  TimePoint issuer_not_after_;
  std::unique_ptr<EVP_MD, OsslDeleter<EVP_MD_free>> sha1_;
  // Initialised for signing with the CA key; copied for each certificate, never used itself.
  MdCtxPtr sign_template_;
  X509ExtPtr basic_constraints_;
  X509ExtPtr key_usage_ec_;
  X509ExtPtr key_usage_rsa_;
  X509ExtPtr ext_key_usage_workload_;
  X509ExtPtr ext_key_usage_server_;
  X509ExtPtr authority_key_id_;
};
using CertSignerPtr = std::shared_ptr<const CertSigner>;

}  // namespace jib::ca
