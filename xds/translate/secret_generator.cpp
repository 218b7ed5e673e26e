// SDS over ADS, for proxies that take secrets from jibd rather than from a local agent. The only
// key material jibd holds for proxies is what users put in Secrets for gateways; workload keys
// never leave their agent.
#include <string_view>

#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "xds/translate/generators.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/tls_context.h"

namespace jib::xds {
namespace {

using envoy::extensions::transport_sockets::tls::v3::Secret;

constexpr std::string_view kCredentialPrefix = "kubernetes://";
constexpr std::string_view kCaSuffix = "-cacert";

// Istio reads both layouts: kubernetes.io/tls (tls.crt, tls.key, ca.crt) and generic secrets
// (cert, key, cacert).
const std::string* value(const mesh::Secret& secret, std::string_view tls_key,
                         std::string_view generic_key) {
  for (std::string_view key : {tls_key, generic_key}) {
    auto it = secret.data.find(std::string(key));
    if (it != secret.data.end() && !it->second.empty()) return &it->second;
  }
  return nullptr;
}

// The private key only with the caller's permission; the CA certificate is public, as in
// istiod, which serves `-cacert` to any verified proxy of the namespace.
void add_credential(const mesh::Secret& secret, bool with_key, Resources* out) {
  const std::string name = std::string(kCredentialPrefix) + secret.meta.name;
  const std::string* cert = value(secret, "tls.crt", "cert");
  const std::string* key = value(secret, "tls.key", "key");
  if (with_key && cert && key) {
    Secret tls;
    tls.set_name(name);
    tls.mutable_tls_certificate()->mutable_certificate_chain()->set_inline_bytes(*cert);
    tls.mutable_tls_certificate()->mutable_private_key()->set_inline_bytes(*key);
    out->push_back(make_resource(name, tls));
  }
  if (const std::string* ca = value(secret, "ca.crt", "cacert")) {
    Secret validation;
    validation.set_name(name + std::string(kCaSuffix));
    validation.mutable_validation_context()->mutable_trusted_ca()->set_inline_bytes(*ca);
    out->push_back(make_resource(validation.name(), validation));
  }
}

}  // namespace

ResourcesPtr generate_secrets(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  const MeshView view(snapshot, proxy);
  Resources out;
  if (!view.trust_roots().empty()) {
    Secret roots;
    roots.set_name(std::string(tls::kRootSecret));
    roots.mutable_validation_context()->mutable_trusted_ca()->set_inline_bytes(view.trust_roots());
    out.push_back(make_resource(roots.name(), roots));
  }
  // As istiod: credentials only over an authenticated stream (the secure port), whose claimed
  // namespace has been checked against the caller's identity, and their keys only to a caller
  // allowed to read them (authenticating as some workload of the namespace is not enough).
  if (proxy.type == Proxy::Type::kRouter && proxy.identity_verified) {
    for (const mesh::Secret* secret : view.secrets(proxy.ns)) {
      add_credential(*secret, proxy.credentials_allowed, &out);
    }
  }
  return finish(std::move(out));
}

}  // namespace jib::xds
