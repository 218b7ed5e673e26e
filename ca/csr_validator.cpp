#include "ca/csr_validator.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace jib::ca {
namespace {

struct ExtStackFree {
  void operator()(STACK_OF(X509_EXTENSION) * s) const {
    sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
  }
};

CaStatus check_key(EVP_PKEY* key, std::string* description) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                          &len)) {
        return CaStatus::InvalidArgument("CSR EC key has no named curve");
      }
      std::string_view g(group);
      if (g == "prime256v1" || g == "P-256") {
        *description = "EC P-256";
        return CaStatus::Ok();
      }
      if (g == "secp384r1" || g == "P-384") {
        *description = "EC P-384";
        return CaStatus::Ok();
      }
      return CaStatus::InvalidArgument("CSR EC curve " + std::string(g) +
                                       " is not accepted (P-256 or P-384)");
    }
    case EVP_PKEY_RSA: {
      int bits = EVP_PKEY_get_bits(key);
      if (bits < 2048) {
        return CaStatus::InvalidArgument("CSR RSA key of " + std::to_string(bits) +
                                         " bits is too weak (at least 2048)");
      }
      if (bits > 4096) {
        return CaStatus::InvalidArgument("CSR RSA key of " + std::to_string(bits) +
                                         " bits is too large (at most 4096)");
      }
      *description = "RSA " + std::to_string(bits);
      return CaStatus::Ok();
    }
    default: {
      const char* type = EVP_PKEY_get0_type_name(key);
      return CaStatus::InvalidArgument(std::string("CSR key type ") + (type ? type : "unknown") +
                                       " is not accepted (EC P-256, P-384 or RSA 2048-4096)");
    }
  }
}

CaStatus check_san(X509_EXTENSION* ext, std::string_view identity) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext)));
  if (!names) return CaStatus::InvalidArgument("CSR subjectAltName cannot be parsed");
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type != GEN_URI) {
      return CaStatus::InvalidArgument(
          "CSR asks for a non-URI subjectAltName; this CA issues only the caller's identity " +
          std::string(identity));
    }
    const ASN1_STRING* s = gn->d.uniformResourceIdentifier;
    std::string_view uri(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)));
    if (uri != identity) {
      return CaStatus::InvalidArgument("CSR asks for identity " + std::string(uri) +
                                       " but the caller is " + std::string(identity));
    }
  }
  return CaStatus::Ok();
}

CaStatus check_extension(X509_EXTENSION* ext, std::string_view identity) {
  int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
  switch (nid) {
    case NID_subject_alt_name:
      return check_san(ext, identity);
    case NID_basic_constraints: {
      std::unique_ptr<BASIC_CONSTRAINTS, OsslDeleter<BASIC_CONSTRAINTS_free>> bc(
          static_cast<BASIC_CONSTRAINTS*>(X509V3_EXT_d2i(ext)));
      if (!bc) return CaStatus::InvalidArgument("CSR basicConstraints cannot be parsed");
      if (bc->ca) return CaStatus::InvalidArgument("CSR asks for a CA certificate (CA:TRUE)");
      return CaStatus::Ok();
    }
    case NID_key_usage: {
      std::unique_ptr<ASN1_BIT_STRING, OsslDeleter<ASN1_BIT_STRING_free>> ku(
          static_cast<ASN1_BIT_STRING*>(X509V3_EXT_d2i(ext)));
      if (!ku) return CaStatus::InvalidArgument("CSR keyUsage cannot be parsed");
      // Bit 0 digitalSignature and bit 2 keyEncipherment are what a workload gets anyway.
      for (int bit = 0; bit < 9; ++bit) {
        if (bit == 0 || bit == 2) continue;
        if (ASN1_BIT_STRING_get_bit(ku.get(), bit)) {
          return CaStatus::InvalidArgument(
              "CSR asks for key usages this CA does not grant (only digitalSignature and "
              "keyEncipherment)");
        }
      }
      return CaStatus::Ok();
    }
    case NID_ext_key_usage: {
      std::unique_ptr<EXTENDED_KEY_USAGE, OsslDeleter<EXTENDED_KEY_USAGE_free>> eku(
          static_cast<EXTENDED_KEY_USAGE*>(X509V3_EXT_d2i(ext)));
      if (!eku) return CaStatus::InvalidArgument("CSR extKeyUsage cannot be parsed");
      for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
        int u = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i));
        if (u != NID_server_auth && u != NID_client_auth) {
          return CaStatus::InvalidArgument(
              "CSR asks for extended key usages this CA does not grant (only serverAuth and "
              "clientAuth)");
        }
      }
      return CaStatus::Ok();
    }
    default: {
      char name[128];
      OBJ_obj2txt(name, sizeof(name), X509_EXTENSION_get_object(ext), 0);
      return CaStatus::InvalidArgument(std::string("CSR asks for extension ") + name +
                                       " which this CA does not grant");
    }
  }
}

}  // namespace

CaStatus validate_csr(std::string_view pem, std::string_view identity, ValidatedCsr* out) {
  if (pem.empty()) return CaStatus::InvalidArgument("CSR is empty");
  if (pem.size() > kMaxCsrBytes) {
    return CaStatus::InvalidArgument("CSR is " + std::to_string(pem.size()) + " bytes; at most " +
                                     std::to_string(kMaxCsrBytes) + " are accepted");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  out->req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!out->req) {
    ERR_clear_error();
    return CaStatus::InvalidArgument("CSR is not a PEM-encoded PKCS#10 certificate request");
  }
  out->public_key = X509_REQ_get0_pubkey(out->req.get());
  if (out->public_key == nullptr) {
    ERR_clear_error();
    return CaStatus::InvalidArgument("CSR public key is of an unknown or unsupported type");
  }
  if (auto st = check_key(out->public_key, &out->key_description); !st.ok()) return st;
  if (X509_REQ_verify(out->req.get(), out->public_key) != 1) {
    ERR_clear_error();
    return CaStatus::InvalidArgument("CSR signature does not verify");
  }
  std::unique_ptr<STACK_OF(X509_EXTENSION), ExtStackFree> exts(
      X509_REQ_get_extensions(out->req.get()));
  ERR_clear_error();  // no extensions is not an error
  if (exts) {
    for (int i = 0; i < sk_X509_EXTENSION_num(exts.get()); ++i) {
      if (auto st = check_extension(sk_X509_EXTENSION_value(exts.get(), i), identity); !st.ok()) {
        return st;
      }
    }
  }
  return CaStatus::Ok();
}

}  // namespace jib::ca
