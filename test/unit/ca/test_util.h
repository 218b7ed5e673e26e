// Helpers for the CA unit tests: CSRs, intermediate CAs, temporary directories.
#pragma once

#include <openssl/pem.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/ossl.h"

namespace jib::ca::testing {

// A PEM CSR over `key` with the given extensions (OpenSSL config syntax, nid -> value).
inline std::string make_csr(EVP_PKEY* key,
                            const std::vector<std::pair<int, std::string>>& exts = {}) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_REQ_set_pubkey(req.get(), key);
  if (!exts.empty()) {
    STACK_OF(X509_EXTENSION)* sk = sk_X509_EXTENSION_new_null();
    for (const auto& [nid, value] : exts) {
      sk_X509_EXTENSION_push(sk, X509V3_EXT_nconf_nid(nullptr, nullptr, nid, value.c_str()));
    }
    X509_REQ_add_extensions(req.get(), sk);
    sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
  }
  X509_REQ_sign(req.get(), key, EVP_sha256());
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// An intermediate CA certificate for `key`, signed by `issuer`/`issuer_key`.
inline X509Ptr make_intermediate(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, TimePoint now,
                                 std::chrono::seconds ttl) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  set_random_serial(cert.get());
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Test Intermediate"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  set_asn1_time(X509_getm_notBefore(cert.get()), now - std::chrono::minutes(5));
  set_asn1_time(X509_getm_notAfter(cert.get()), now + ttl);
  X509_set_pubkey(cert.get(), key);
  add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
  add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  X509_sign(cert.get(), issuer_key, EVP_sha256());
  return cert;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jib-ca-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<X509Ptr> parse_chain(const std::vector<std::string>& pems) {
  std::vector<X509Ptr> out;
  for (const auto& p : pems) out.push_back(cert_from_pem(p));
  return out;
}

}  // namespace jib::ca::testing
