#include "ca/authority.h"

#include <algorithm>

namespace jib::ca {
namespace {

GENERAL_NAME* uri_name(const std::string& uri) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  ASN1_STRING_set(s, uri.data(), static_cast<int>(uri.size()));
  GENERAL_NAME_set0_value(gn, GEN_URI, s);
  return gn;
}

GENERAL_NAME* dns_or_ip_name(const std::string& san) {
  if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(san.c_str())) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    return gn;
  }
  GENERAL_NAME* gn = GENERAL_NAME_new();
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  ASN1_STRING_set(s, san.data(), static_cast<int>(san.size()));
  GENERAL_NAME_set0_value(gn, GEN_DNS, s);
  return gn;
}

}  // namespace

Authority::Authority(AuthorityOptions options, ClockPtr clock)
    : options_(options), clock_(std::move(clock)) {}

void Authority::set_bundle(KeyCertBundlePtr bundle) {
  std::lock_guard lock(mu_);
  bundle_ = std::move(bundle);
}

KeyCertBundlePtr Authority::bundle() const {
  std::lock_guard lock(mu_);
  return bundle_;
}

CaStatus Authority::resolve_ttl(int64_t requested_seconds, std::chrono::seconds* ttl) const {
  if (requested_seconds <= 0) {
    *ttl = options_.default_ttl;
    return CaStatus::Ok();
  }
  if (requested_seconds > options_.max_ttl.count()) {
    return CaStatus::InvalidArgument("requested TTL " + std::to_string(requested_seconds) +
                                     "s is greater than the max allowed TTL " +
                                     std::to_string(options_.max_ttl.count()) + "s");
  }
  *ttl = std::chrono::seconds(requested_seconds);
  return CaStatus::Ok();
}

CaStatus Authority::sign_workload(EVP_PKEY* public_key, const std::string& spiffe_uri,
                                  std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  sk_GENERAL_NAME_push(names.get(), uri_name(spiffe_uri));
  return issue(public_key, names.get(), true, ttl, chain);
}

CaStatus Authority::sign_server(EVP_PKEY* public_key, const std::vector<std::string>& sans,
                                std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  for (const auto& s : sans) sk_GENERAL_NAME_push(names.get(), dns_or_ip_name(s));
  return issue(public_key, names.get(), false, ttl, chain);
}

CaStatus Authority::issue(EVP_PKEY* public_key, GENERAL_NAMES* sans, bool workload,
                          std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  KeyCertBundlePtr ca = bundle();
  if (!ca) return CaStatus::Internal("CA is not ready");
  X509* issuer = ca->signing_cert();
  TimePoint now = clock_->now();
  // Never outlive, nor predate, the signing certificate: a chain is only as valid as its
  // weakest link, and during a root rotation this bounds old leaves by the old root.
  TimePoint start = std::max(now - options_.backdate, not_before(issuer));
  TimePoint end = std::min(now + ttl, not_after(issuer));
  if (end <= now) return CaStatus::Internal("CA certificate has expired");

  X509Ptr cert(X509_new());
  bool rsa = EVP_PKEY_get_base_id(public_key) == EVP_PKEY_RSA;
  const char* key_usage =
      rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
  // The subject stays empty (the identity lives in the SAN, per the SPIFFE X.509-SVID spec),
  // so RFC 5280 requires the SAN to be critical.
  bool ok = X509_set_version(cert.get(), X509_VERSION_3) && set_random_serial(cert.get()) &&
            X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) &&
            set_asn1_time(X509_getm_notBefore(cert.get()), start) &&
            set_asn1_time(X509_getm_notAfter(cert.get()), end) &&
            X509_set_pubkey(cert.get(), public_key) &&
            add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE") &&
            add_ext(cert.get(), issuer, NID_key_usage, key_usage) &&
            add_ext(cert.get(), issuer, NID_ext_key_usage,
                    workload ? "serverAuth,clientAuth" : "serverAuth") &&
            add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash") &&
            add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always") &&
            X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, sans, 1, X509V3_ADD_DEFAULT) == 1 &&
            X509_sign(cert.get(), ca->signing_key(), digest_for_key(ca->signing_key())) > 0;
  if (!ok) return CaStatus::Internal("certificate generation failed: " + ossl_error_string());
  chain->clear();
  chain->push_back(cert_to_pem(cert.get()));
  for (const auto& c : ca->chain_pem()) chain->push_back(c);
  return CaStatus::Ok();
}

}  // namespace jib::ca
