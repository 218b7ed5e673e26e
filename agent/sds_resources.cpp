#include "agent/sds_resources.h"

#include <cstdint>
#include <cstdio>

namespace jib::agent {

std::vector<TlsSecret> build_secrets(const std::vector<std::string>& names, const Svid* svid,
                                     const std::string& trust_bundle) {
  std::vector<TlsSecret> out;
  for (const auto& name : names) {
    if (name == kDefaultSecretName && svid != nullptr) {
      TlsSecret& s = out.emplace_back();
      s.set_name(name);
      auto* cert = s.mutable_tls_certificate();
      cert->mutable_certificate_chain()->set_inline_bytes(svid->chain_pem);
      cert->mutable_private_key()->set_inline_bytes(svid->key_pem);
    } else if (name == kRootSecretName && !trust_bundle.empty()) {
      TlsSecret& s = out.emplace_back();
      s.set_name(name);
      s.mutable_validation_context()->mutable_trusted_ca()->set_inline_bytes(trust_bundle);
    }
  }
  return out;
}

std::string secrets_version(const std::vector<TlsSecret>& secrets) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // a separator, so that ("ab","c") and ("a","bc") differ
    h *= 1099511628211ULL;
  };
  for (const auto& s : secrets) {
    mix(s.name());
    if (s.has_tls_certificate()) {
      mix(s.tls_certificate().certificate_chain().inline_bytes());
      mix(s.tls_certificate().private_key().inline_bytes());
    }
    if (s.has_validation_context()) mix(s.validation_context().trusted_ca().inline_bytes());
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

envoy::service::discovery::v3::DiscoveryResponse make_response(
    const std::vector<TlsSecret>& secrets, const std::string& version, const std::string& nonce) {
  envoy::service::discovery::v3::DiscoveryResponse response;
  response.set_version_info(version);
  response.set_type_url(std::string(kSecretTypeUrl));
  response.set_nonce(nonce);
  for (const auto& s : secrets) response.add_resources()->PackFrom(s);
  return response;
}

}  // namespace jib::agent
