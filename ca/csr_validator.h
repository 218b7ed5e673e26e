// Checks a workload's CSR before anything is signed: size, syntax, signature, key type and
// strength, and that it asks for nothing beyond the caller's own identity.
#pragma once

#include <string>
#include <string_view>

#include "base/ossl.h"
#include "ca/ca_status.h"

namespace jib::ca {

// Bigger than any honest CSR (an RSA-4096 CSR is under 2 KiB) and small enough that parsing a
// hostile one costs nothing.
inline constexpr size_t kMaxCsrBytes = 64 * 1024;

struct ValidatedCsr {
  // Parsed without the public key's EVP_PKEY: use public_key (X509_REQ_get0_pubkey(req) is
  // null), or X509_REQ_get_X509_PUBKEY(req) for the key as encoded.
  X509ReqPtr req;
  EVP_PKEY* public_key = nullptr;  // owned by key
  PkeyPtr key;
  std::string key_description;  // "EC P-256", "RSA 2048", for logs
};

// Parses and checks `pem` for a caller whose identity is the SPIFFE ID `identity`. Accepted
// keys: EC P-256/P-384, RSA 2048..4096. Accepted requested extensions: subjectAltName holding
// only `identity` as URI, basicConstraints CA:FALSE, keyUsage within digitalSignature and
// keyEncipherment, extKeyUsage within serverAuth and clientAuth. Everything else is refused
// with INVALID_ARGUMENT and a message that names the problem.
CaStatus validate_csr(std::string_view pem, std::string_view identity, ValidatedCsr* out);

}  // namespace jib::ca
