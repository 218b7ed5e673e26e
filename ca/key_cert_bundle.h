// The CA's signing material: signing key and certificate, the chain up to the root, the root.
// Immutable once built; swapped as a whole on rotation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/ossl.h"

namespace jib::ca {

class KeyCertBundle {
 public:
  // Builds a bundle and checks it: the key belongs to the signing certificate, the signing
  // certificate is a CA, and it chains through `intermediates_pem` (PEM, may be empty, may end
  // with the root) to `root_pem` at time `now`. Returns null with *error otherwise.
  static std::shared_ptr<const KeyCertBundle> create(std::string_view key_pem,
                                                     std::string_view cert_pem,
                                                     std::string_view intermediates_pem,
                                                     std::string_view root_pem, TimePoint now,
                                                     std::string* error);

  EVP_PKEY* signing_key() const { return key_.get(); }
  X509* signing_cert() const { return cert_.get(); }
  X509* root_cert() const { return root_.get(); }
  // PEM certificates to append after an issued leaf: signing cert, intermediates, root. For a
  // self-signed root this is the root alone.
  const std::vector<std::string>& chain_pem() const { return chain_pem_; }
  const std::string& root_pem() const { return chain_pem_.back(); }

 private:
  PkeyPtr key_;
  X509Ptr cert_;
  X509Ptr root_;
  std::vector<std::string> chain_pem_;
};
using KeyCertBundlePtr = std::shared_ptr<const KeyCertBundle>;

// Verifies `leaf` (with untrusted `intermediates`) against `roots` at time `at`, for the given
// X509 purpose (e.g. X509_PURPOSE_SSL_CLIENT, or -1 for none). Returns "" on success or the
// OpenSSL verification error text.
std::string verify_chain(X509* leaf, const std::vector<X509*>& intermediates,
                         const std::vector<X509*>& roots, TimePoint at, int purpose);

}  // namespace jib::ca
