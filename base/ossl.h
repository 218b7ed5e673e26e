// Owning handles and small helpers around OpenSSL 3 objects, shared by the CA code.
// Everything here reports failures by return value and never logs key material.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jib {

template <auto Fn>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OsslDeleter<X509_REQ_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslDeleter<X509_STORE_CTX_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>>;

struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

using TimePoint = std::chrono::system_clock::time_point;

// Drains OpenSSL's thread-local error queue into one line, for refusal messages and logs.
std::string ossl_error_string();

// Key generation. `kind` is "ec" (P-256), "ec384" (P-384) or "rsa<bits>", e.g. "rsa2048".
PkeyPtr generate_key(std::string_view kind);

// PEM conversion. Parsing functions return null on malformed input.
std::string key_to_pem(EVP_PKEY* key);
PkeyPtr key_from_pem(std::string_view pem);
std::string cert_to_pem(X509* cert);
X509Ptr cert_from_pem(std::string_view pem);
// Every certificate in a PEM text, in order. Returns false when a block fails to parse.
bool certs_from_pem(std::string_view pem, std::vector<X509Ptr>* out);
// Splits a PEM text into one string per certificate, each re-encoded canonically.
bool split_pem_certs(std::string_view pem, std::vector<std::string>* out);

// The digest to sign with for a given signing key: SHA-384 for P-384, SHA-256 otherwise.
const EVP_MD* digest_for_key(EVP_PKEY* key);

// Sets `time` (NotBefore/NotAfter) from a time point; false on failure.
bool set_asn1_time(ASN1_TIME* time, TimePoint when);
// Converts an ASN1 time to a time point.
TimePoint asn1_to_time_point(const ASN1_TIME* time);
TimePoint not_before(X509* cert);
TimePoint not_after(X509* cert);

// A fresh random positive serial of `bytes` bytes.
bool set_random_serial(X509* cert, int bytes = 16);

// Adds an extension given in OpenSSL config syntax, e.g. "critical,CA:FALSE".
bool add_ext(X509* cert, X509* issuer, int nid, const char* value);

// True when `key` is the private key for `cert`'s public key.
bool key_matches_cert(EVP_PKEY* key, X509* cert);

// Writes `data` to `path` atomically (temp file, fsync, rename, fsync of the directory) with the
// given mode; on failure the temp file is removed and `path` is as it was.
bool write_file_atomic(const std::string& path, std::string_view data, unsigned mode,
                       std::string* error);
// Makes the directory's entries (renames, new files) durable.
bool sync_dir(const std::string& dir, std::string* error);
// Creates `dir` and missing parents with mode 0700 (they may hold keys).
bool make_dirs(const std::string& dir, std::string* error);
bool read_file(const std::string& path, std::string* out, std::string* error);

}  // namespace jib
