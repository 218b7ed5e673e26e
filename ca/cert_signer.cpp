#include "ca/cert_signer.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <string_view>
#include <vector>

namespace jib::ca {
namespace {

struct OpensslFree {
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

// An extension in OpenSSL config syntax, built against `issuer` (only the AKI looks at it).
X509ExtPtr make_ext(X509* issuer, int nid, const char* value) {
  // A stand-in subject that is not the issuer, as every leaf is: v2i_AUTHORITY_KEYID treats a
  // subject that is the issuer as self-signed.
  X509Ptr subject(X509_new());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, subject.get(), nullptr, nullptr, 0);
  return X509ExtPtr(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
}

// Copies the algorithm's parameter, which X509_ALGOR_set0 then owns.
bool dup_param(int ptype, const void* pval, void** out) {
  *out = nullptr;
  switch (ptype) {
    case V_ASN1_UNDEF:
    case V_ASN1_NULL:
      return true;
    case V_ASN1_BOOLEAN:
      return false;  // never the parameter of a public key algorithm
    case V_ASN1_OBJECT:
      *out = OBJ_dup(static_cast<const ASN1_OBJECT*>(pval));
      return *out != nullptr;
    default:
      *out = ASN1_STRING_dup(static_cast<const ASN1_STRING*>(pval));
      return *out != nullptr;
  }
}

// Sets `cert`'s SubjectPublicKeyInfo to a copy of `spki` as encoded. X509_set_pubkey would
// encode an EVP_PKEY and decode it again, both through OpenSSL 3.0's provider machinery, which
// costs several times the signature.
bool set_spki(X509* cert, const SpkiView& spki) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = V_ASN1_UNDEF;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, spki.algorithm);
  void* param = nullptr;
  if (obj == nullptr || spki.key == nullptr || !dup_param(ptype, pval, &param)) return false;
  ASN1_OBJECT* alg = OBJ_dup(obj);
  auto* bits = static_cast<unsigned char*>(OPENSSL_memdup(spki.key, spki.key_len));
  if (alg != nullptr && bits != nullptr &&
      X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), alg, ptype, param, bits, spki.key_len)) {
    return true;
  }
  ASN1_OBJECT_free(alg);
  OPENSSL_free(bits);
  if (ptype == V_ASN1_OBJECT)
    ASN1_OBJECT_free(static_cast<ASN1_OBJECT*>(param));
  else if (param != nullptr)
    ASN1_STRING_free(static_cast<ASN1_STRING*>(param));
  return false;
}

// The subjectKeyIdentifier OpenSSL's "hash" gives: SHA-1 of the public key bits (RFC 5280
// 4.2.1.2 method 1).
bool add_ski(X509* cert, const SpkiView& spki, const EVP_MD* sha1) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(spki.key, static_cast<size_t>(spki.key_len), digest, &len, sha1, nullptr)) {
    return false;
  }
  std::unique_ptr<ASN1_OCTET_STRING, OsslDeleter<ASN1_OCTET_STRING_free>> id(
      ASN1_OCTET_STRING_new());
  return id && ASN1_OCTET_STRING_set(id.get(), digest, static_cast<int>(len)) &&
         X509_add1_ext_i2d(cert, NID_subject_key_identifier, id.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

}  // namespace

bool spki_view(const X509_PUBKEY* pub, SpkiView* out) {
  X509_ALGOR* alg = nullptr;
  if (pub == nullptr || !X509_PUBKEY_get0_param(nullptr, &out->key, &out->key_len, &alg, pub)) {
    return false;
  }
  out->algorithm = alg;
  return alg != nullptr && out->key != nullptr;
}

bool OwnedSpki::init_ec(EVP_PKEY* key) {
  // Only named curves and uncompressed points (what keys have unless told otherwise): anything
  // else is left to the encoder.
  char group[64] = {}, encoding[32] = {}, format[32] = {};
  size_t len = 0;
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
      !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                      &len) ||
      !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof(encoding),
                                      &len) ||
      std::string_view(encoding) != OSSL_PKEY_EC_ENCODING_GROUP ||
      !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, format,
                                      sizeof(format), &len) ||
      std::string_view(format) != OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) {
    return false;
  }
  int curve = OBJ_txt2nid(group);
  if (curve == NID_undef) return false;
  // The uncompressed point, as the SubjectPublicKeyInfo encoder writes it.
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &len) ||
      len == 0) {
    return false;
  }
  std::unique_ptr<ASN1_BIT_STRING, OsslDeleter<ASN1_BIT_STRING_free>> bits(ASN1_BIT_STRING_new());
  std::vector<unsigned char> point(len);
  if (!bits ||
      !EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                       point.size(), &len) ||
      !ASN1_BIT_STRING_set(bits.get(), point.data(), static_cast<int>(len))) {
    return false;
  }
  algorithm_.reset(X509_ALGOR_new());
  if (!algorithm_ || !X509_ALGOR_set0(algorithm_.get(), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                                      V_ASN1_OBJECT, OBJ_nid2obj(curve))) {
    return false;
  }
  key_ = std::move(bits);
  return true;
}

bool OwnedSpki::init(EVP_PKEY* key) {
  // EC keys directly from their parameters: i2d_PUBKEY goes through an OSSL_ENCODER context,
  // costly to set up in OpenSSL 3.0. Anything else (RSA's signature dwarfs it) through i2d.
  if (init_ec(key)) {
    view_ = {algorithm_.get(), ASN1_STRING_get0_data(key_.get()), ASN1_STRING_length(key_.get())};
    return true;
  }
  ERR_clear_error();
  unsigned char* der = nullptr;
  int der_len = i2d_PUBKEY(key, &der);
  if (der_len <= 0) return false;
  std::unique_ptr<unsigned char, OpensslFree> owned(der);
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT
  // STRING }; read the two without d2i_X509_PUBKEY, which would decode the key.
  const unsigned char* p = der;
  long len = 0;
  int tag = 0, cls = 0;
  if ((ASN1_get_object(&p, &len, &tag, &cls, der_len) & 0x80) != 0 || tag != V_ASN1_SEQUENCE) {
    return false;
  }
  const unsigned char* end = p + len;
  algorithm_.reset(d2i_X509_ALGOR(nullptr, &p, end - p));
  if (!algorithm_) return false;
  key_.reset(d2i_ASN1_BIT_STRING(nullptr, &p, end - p));
  if (!key_ || p != end) return false;
  view_ = {algorithm_.get(), ASN1_STRING_get0_data(key_.get()), ASN1_STRING_length(key_.get())};
  return true;
}

CertSignerPtr CertSigner::create(KeyCertBundlePtr bundle, std::string* error) {
  auto s = std::shared_ptr<CertSigner>(new CertSigner());
  X509* issuer = bundle->signing_cert();
  EVP_PKEY* key = bundle->signing_key();
  s->issuer_not_before_ = not_before(issuer);
  s->issuer_not_after_ = not_after(issuer);
  s->sha1_.reset(EVP_MD_fetch(nullptr, "SHA1", nullptr));
  s->sign_template_.reset(EVP_MD_CTX_new());
  s->basic_constraints_ = make_ext(issuer, NID_basic_constraints, "critical,CA:FALSE");
  s->key_usage_ec_ = make_ext(issuer, NID_key_usage, "critical,digitalSignature");
  s->key_usage_rsa_ = make_ext(issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  s->ext_key_usage_workload_ = make_ext(issuer, NID_ext_key_usage, "serverAuth,clientAuth");
  s->ext_key_usage_server_ = make_ext(issuer, NID_ext_key_usage, "serverAuth");
  s->authority_key_id_ = make_ext(issuer, NID_authority_key_identifier, "keyid:always");
  bool ok = s->sha1_ && s->sign_template_ &&
            EVP_DigestSignInit(s->sign_template_.get(), nullptr, digest_for_key(key), nullptr,
                               key) == 1 &&
            s->basic_constraints_ && s->key_usage_ec_ && s->key_usage_rsa_ &&
            s->ext_key_usage_workload_ && s->ext_key_usage_server_ && s->authority_key_id_;
  if (!ok) {
    *error = "cannot prepare signing: " + ossl_error_string();
    return nullptr;
  }
  s->bundle_ = std::move(bundle);
  return s;
}

bool CertSigner::sign(const SpkiView& subject, GENERAL_NAMES* sans, bool workload,
                      TimePoint not_before, TimePoint not_after, std::string* pem,
                      std::string* error) const {
  X509* issuer = bundle_->signing_cert();
  bool rsa = OBJ_obj2nid(subject.algorithm->algorithm) == NID_rsaEncryption;
  X509Ptr cert(X509_new());
  // The template is only read (copied), which is safe from many threads; each certificate is
  // signed with a context of its own.
  MdCtxPtr md(EVP_MD_CTX_new());
  // The subject stays empty (the identity lives in the SAN, per the SPIFFE X.509-SVID spec),
  // so RFC 5280 requires the SAN to be critical. Extension order: BC, KU, EKU, SKI, AKI, SAN.
  bool ok =
      cert && md && X509_set_version(cert.get(), X509_VERSION_3) && set_random_serial(cert.get()) &&
      X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) &&
      set_asn1_time(X509_getm_notBefore(cert.get()), not_before) &&
      set_asn1_time(X509_getm_notAfter(cert.get()), not_after) && set_spki(cert.get(), subject) &&
      X509_add_ext(cert.get(), basic_constraints_.get(), -1) == 1 &&
      X509_add_ext(cert.get(), (rsa ? key_usage_rsa_ : key_usage_ec_).get(), -1) == 1 &&
      X509_add_ext(cert.get(), (workload ? ext_key_usage_workload_ : ext_key_usage_server_).get(),
                   -1) == 1 &&
      add_ski(cert.get(), subject, sha1_.get()) &&
      X509_add_ext(cert.get(), authority_key_id_.get(), -1) == 1 &&
      X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, sans, 1, X509V3_ADD_DEFAULT) == 1 &&
      EVP_MD_CTX_copy_ex(md.get(), sign_template_.get()) == 1 &&
      X509_sign_ctx(cert.get(), md.get()) > 0;
  if (!ok) {
    *error = "certificate generation failed: " + ossl_error_string();
    return false;
  }
  *pem = cert_to_pem(cert.get());
  if (pem->empty()) {
    *error = "certificate encoding failed: " + ossl_error_string();
    return false;
  }
  return true;
}

}  // namespace jib::ca
