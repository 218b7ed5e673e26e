// The SDS resources as Istio's agent shapes them: `default` is a tls_certificate with the
// chain and private key as inline bytes, `ROOTCA` a validation_context with the trust bundle
// as trusted_ca. Pure functions, so that tests can check responses without a stream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/secret_store.h"
#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "envoy/service/discovery/v3/discovery.pb.h"

namespace jib::agent {

inline constexpr std::string_view kSecretTypeUrl =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
inline constexpr std::string_view kDefaultSecretName = "default";
inline constexpr std::string_view kRootSecretName = "ROOTCA";

using TlsSecret = envoy::extensions::transport_sockets::tls::v3::Secret;

// The secrets among `names` that can be served now, in the order asked: `default` once a
// certificate is there, `ROOTCA` once a bundle is. Other names are never served (an SDS
// client asking for them waits, as with Istio's agent for names it does not know).
std::vector<TlsSecret> build_secrets(const std::vector<std::string>& names, const Svid* svid,
                                     const std::string& trust_bundle);

// A version that depends only on the content (FNV-1a over names and bytes), so the same
// secrets get the same version and a reconnecting Envoy's version can be compared.
std::string secrets_version(const std::vector<TlsSecret>& secrets);

// A state-of-the-world response carrying `secrets`.
envoy::service::discovery::v3::DiscoveryResponse make_response(
    const std::vector<TlsSecret>& secrets, const std::string& version, const std::string& nonce);

}  // namespace jib::agent
