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
  std::string error;
  CertSignerPtr signer = bundle ? CertSigner::create(bundle, &error) : nullptr;
  std::lock_guard lock(mu_);
  bundle_ = std::move(bundle);
  signer_ = std::move(signer);
  signer_error_ = std::move(error);
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
  OwnedSpki spki;
  if (!spki.init(public_key)) {
    return CaStatus::Internal("certificate generation failed: " + ossl_error_string());
  }
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  sk_GENERAL_NAME_push(names.get(), uri_name(spiffe_uri));
  return issue(spki.view(), names.get(), true, ttl, chain);
}

CaStatus Authority::sign_workload(const X509_PUBKEY* public_key, const std::string& spiffe_uri,
                                  std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  SpkiView spki;
  if (!spki_view(public_key, &spki)) {
    return CaStatus::Internal("certificate generation failed: " + ossl_error_string());
  }
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  sk_GENERAL_NAME_push(names.get(), uri_name(spiffe_uri));
  return issue(spki, names.get(), true, ttl, chain);
}

CaStatus Authority::sign_server(EVP_PKEY* public_key, const std::vector<std::string>& sans,
                                std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  OwnedSpki spki;
  if (!spki.init(public_key)) {
    return CaStatus::Internal("certificate generation failed: " + ossl_error_string());
  }
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  for (const auto& s : sans) sk_GENERAL_NAME_push(names.get(), dns_or_ip_name(s));
  return issue(spki.view(), names.get(), false, ttl, chain);
}

CaStatus Authority::issue(const SpkiView& public_key, GENERAL_NAMES* sans, bool workload,
                          std::chrono::seconds ttl, std::vector<std::string>* chain) const {
  CertSignerPtr signer;
  {
    std::lock_guard lock(mu_);
    if (!bundle_) return CaStatus::Internal("CA is not ready");
    if (!signer_) return CaStatus::Internal("certificate generation failed: " + signer_error_);
    signer = signer_;
  }
  TimePoint now = clock_->now();
  // Never outlive, nor predate, the signing certificate: a chain is only as valid as its
  // weakest link, and during a root rotation this bounds old leaves by the old root.
  TimePoint start = std::max(now - options_.backdate, signer->issuer_not_before());
  TimePoint end = std::min(now + ttl, signer->issuer_not_after());
  if (end <= now) return CaStatus::Internal("CA certificate has expired");

  std::string leaf, error;
  if (!signer->sign(public_key, sans, workload, start, end, &leaf, &error)) {
    return CaStatus::Internal(error);
  }
  chain->clear();
  chain->push_back(std::move(leaf));
  for (const auto& c : signer->bundle()->chain_pem()) chain->push_back(c);
  return CaStatus::Ok();
}

}  // namespace jib::ca
