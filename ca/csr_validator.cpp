#include "ca/csr_validator.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>

#include <array>

namespace jib::ca {
namespace {

struct ExtStackFree {
  void operator()(STACK_OF(X509_EXTENSION) * s) const {
    sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
  }
};

// OpenSSL 3.0 decodes the public key of every X509_PUBKEY it parses, through a decoder context
// it builds afresh each time by walking every provider's decoders and key managers: that walk,
// not the key itself, costs most of a CSR check. So the CSR is parsed in a library context
// that holds only the null provider (the opportunistic decode then fails quickly and is
// dropped, as OpenSSL allows), and the key is decoded with a decoder context kept per thread
// and per accepted key algorithm.
OSSL_LIB_CTX* no_decoders_libctx() {
  static OSSL_LIB_CTX* ctx = [] {
    OSSL_LIB_CTX* c = OSSL_LIB_CTX_new();
    if (c != nullptr && OSSL_PROVIDER_load(c, "null") == nullptr) {
      OSSL_LIB_CTX_free(c);
      c = nullptr;
    }
    return c;  // kept for the life of the process
  }();
  return ctx;
}

class SpkiDecoder {
 public:
  ~SpkiDecoder() {
    for (auto& e : entries_) OSSL_DECODER_CTX_free(e.ctx);
  }

  // The EVP_PKEY for `pub` (a SubjectPublicKeyInfo), or null when it does not decode.
  PkeyPtr decode(const X509_PUBKEY* pub) {
    ASN1_OBJECT* alg = nullptr;
    if (!X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, pub) || alg == nullptr) {
      return nullptr;
    }
    unsigned char* der = nullptr;
    int der_len = i2d_X509_PUBKEY(pub, &der);
    if (der_len <= 0) return nullptr;
    const unsigned char* p = der;
    size_t len = static_cast<size_t>(der_len);
    PkeyPtr key;
    int nid = OBJ_obj2nid(alg);
    Entry* e = nullptr;
    for (auto& candidate : entries_) {
      if (candidate.nid == nid) e = &candidate;
    }
    if (e == nullptr && (nid == NID_X9_62_id_ecPublicKey || nid == NID_rsaEncryption)) {
      e = &entries_[nid == NID_rsaEncryption ? 1 : 0];
      e->nid = nid;
      e->ctx =
          OSSL_DECODER_CTX_new_for_pkey(&e->out, "DER", "SubjectPublicKeyInfo", OBJ_nid2sn(nid),
                                        EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
    }
    if (e != nullptr && e->ctx != nullptr) {
      e->out = nullptr;
      bool ok = OSSL_DECODER_from_data(e->ctx, &p, &len) == 1;
      key.reset(e->out);
      e->out = nullptr;
      if (!ok || len != 0) key.reset();
    } else {
      // Key types this CA refuses anyway: decoded the ordinary way, for the refusal message.
      key.reset(d2i_PUBKEY(nullptr, &p, der_len));
    }
    OPENSSL_free(der);
    return key;
  }

 private:
  struct Entry {
    int nid = NID_undef;
    EVP_PKEY* out = nullptr;  // where the decoder context puts what it decodes
    OSSL_DECODER_CTX* ctx = nullptr;
  };
  std::array<Entry, 2> entries_;  // EC, RSA
};

X509_REQ* parse_req(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  OSSL_LIB_CTX* libctx = no_decoders_libctx();
  if (libctx == nullptr) return PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr);
  // What PEM_read_bio_X509_REQ does, with the library context.
  unsigned char* der = nullptr;
  long len = 0;
  if (!PEM_bytes_read_bio(&der, &len, nullptr, PEM_STRING_X509_REQ, bio.get(), nullptr, nullptr)) {
    return nullptr;
  }
  const unsigned char* p = der;
  auto* req = reinterpret_cast<X509_REQ*>(
      ASN1_item_d2i_ex(nullptr, &p, len, ASN1_ITEM_rptr(X509_REQ), libctx, nullptr));
  OPENSSL_free(der);
  return req;
}

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
  out->req.reset(parse_req(pem));
  if (!out->req) {
    ERR_clear_error();
    return CaStatus::InvalidArgument("CSR is not a PEM-encoded PKCS#10 certificate request");
  }
  thread_local SpkiDecoder decoder;
  out->key = decoder.decode(X509_REQ_get_X509_PUBKEY(out->req.get()));
  out->public_key = out->key.get();
  if (out->public_key == nullptr) {
    ERR_clear_error();
    return CaStatus::InvalidArgument("CSR public key is of an unknown or unsupported type");
  }
  if (auto st = check_key(out->public_key, &out->key_description); !st.ok()) return st;
  // The default library context: the CSR's own has no algorithms.
  if (X509_REQ_verify_ex(out->req.get(), out->public_key, nullptr, nullptr) != 1) {
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
