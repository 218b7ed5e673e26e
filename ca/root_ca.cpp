#include "ca/root_ca.h"

#include <openssl/rand.h>

#include <cstdio>

namespace jib::ca {

RootCa make_self_signed_root(std::string_view key_kind, std::string_view trust_domain,
                             TimePoint now, std::chrono::seconds ttl, std::string* error) {
  RootCa out;
  PkeyPtr key = generate_key(key_kind);
  if (!key) {
    *error = "cannot generate root key: " + ossl_error_string();
    return out;
  }
  X509Ptr cert(X509_new());
  unsigned char tag[4];
  RAND_bytes(tag, sizeof(tag));
  char cn[64];
  std::snprintf(cn, sizeof(cn), "Jib Root CA %02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
  std::string org(trust_domain);
  X509_NAME* name = X509_get_subject_name(cert.get());
  bool ok =
      X509_set_version(cert.get(), X509_VERSION_3) && set_random_serial(cert.get()) &&
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0) &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn), -1, -1, 0) &&
      X509_set_issuer_name(cert.get(), name) &&
      set_asn1_time(X509_getm_notBefore(cert.get()), now - kRootBackdate) &&
      set_asn1_time(X509_getm_notAfter(cert.get()), now + ttl) &&
      X509_set_pubkey(cert.get(), key.get()) &&
      add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
      add_ext(cert.get(), cert.get(), NID_key_usage,
              "critical,keyCertSign,cRLSign,digitalSignature") &&
      add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash") &&
      add_ext(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always") &&
      X509_sign(cert.get(), key.get(), digest_for_key(key.get())) > 0;
  if (!ok) {
    *error = "cannot build root certificate: " + ossl_error_string();
    return out;
  }
  out.key = std::move(key);
  out.cert = std::move(cert);
  return out;
}

}  // namespace jib::ca
