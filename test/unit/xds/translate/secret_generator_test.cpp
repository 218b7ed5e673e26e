// SDS over ADS: the trust bundle for everyone; gateway credentials only to verified gateways of
// the Secret's own namespace, their private keys only to gateways allowed to read them.
#include <gtest/gtest.h>

#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "mesh/api/parse.h"
#include "test/unit/xds/test_support.h"
#include "xds/translate/generators.h"

namespace jib::xds {
namespace {

using envoy::extensions::transport_sockets::tls::v3::Secret;
using testing::find;
using testing::unpack;

// Values are base64 of "CERT-n1", "KEY-n1", "CA-n1" and so on.
constexpr const char* kSecrets = R"(
apiVersion: v1
kind: Secret
metadata: {name: cred, namespace: n1}
type: kubernetes.io/tls
data: {tls.crt: Q0VSVC1uMQ==, tls.key: S0VZLW4x, ca.crt: Q0EtbjE=}
---
apiVersion: v1
kind: Secret
metadata: {name: other, namespace: n2}
stringData: {cert: CERT-n2, key: KEY-n2}
)";

mesh::SnapshotPtr snapshot_with_roots(const std::string& roots) {
  mesh::ConfigStore store;
  mesh::Batch batch;
  auto parsed = mesh::parse_and_validate(kSecrets, "secrets.yaml");
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  batch.upserts = parsed.objects;
  store.apply(batch);
  return mesh::Snapshot::build(store.state(), nullptr, std::make_shared<const std::string>(roots));
}

Proxy gateway(const std::string& ns, bool verified, bool allowed = true) {
  Proxy proxy;
  proxy.type = Proxy::Type::kRouter;
  proxy.id = "router~127.0.0.1~gw." + ns + "~" + ns + ".svc.cluster.local";
  proxy.ns = ns;
  proxy.identity_verified = verified;
  proxy.credentials_allowed = verified && allowed;
  return proxy;
}

TEST(SecretGenerator, RootCaCarriesTheTrustBundleForEveryProxy) {
  auto snapshot = snapshot_with_roots("ROOT-PEM-1\nROOT-PEM-2\n");
  for (const Proxy& proxy : {testing::sidecar(), gateway("n1", false)}) {
    auto secrets = generate_secrets(*snapshot, proxy);
    const Resource* roots = find(*secrets, "ROOTCA");
    ASSERT_NE(roots, nullptr);
    EXPECT_EQ(unpack<Secret>(*roots).validation_context().trusted_ca().inline_bytes(),
              "ROOT-PEM-1\nROOT-PEM-2\n");
  }
  EXPECT_EQ(generate_secrets(*snapshot_with_roots(""), testing::sidecar())->size(), 0u);
}

TEST(SecretGenerator, VerifiedGatewayGetsTheCredentialsOfItsOwnNamespaceOnly) {
  auto snapshot = snapshot_with_roots("ROOT");
  auto secrets = generate_secrets(*snapshot, gateway("n1", true));
  const Resource* cred = find(*secrets, "kubernetes://cred");
  ASSERT_NE(cred, nullptr);
  Secret tls = unpack<Secret>(*cred);
  EXPECT_EQ(tls.tls_certificate().certificate_chain().inline_bytes(), "CERT-n1");
  EXPECT_EQ(tls.tls_certificate().private_key().inline_bytes(), "KEY-n1");
  const Resource* ca = find(*secrets, "kubernetes://cred-cacert");
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(unpack<Secret>(*ca).validation_context().trusted_ca().inline_bytes(), "CA-n1");
  EXPECT_EQ(find(*secrets, "kubernetes://other"), nullptr);  // n2's

  auto n2 = generate_secrets(*snapshot, gateway("n2", true));
  const Resource* other = find(*n2, "kubernetes://other");
  ASSERT_NE(other, nullptr);  // the generic layout (cert, key)
  EXPECT_EQ(unpack<Secret>(*other).tls_certificate().private_key().inline_bytes(), "KEY-n2");
  EXPECT_EQ(find(*n2, "kubernetes://cred"), nullptr);
}

TEST(SecretGenerator, CallerNotAllowedToReadSecretsGetsTheCaCertificateButNoKey) {
  auto snapshot = snapshot_with_roots("ROOT");
  // A workload of n1 that declares itself a router: verified, but not allowed.
  auto secrets = generate_secrets(*snapshot, gateway("n1", true, /*allowed=*/false));
  EXPECT_EQ(find(*secrets, "kubernetes://cred"), nullptr);
  for (const Resource& r : *secrets) {
    EXPECT_FALSE(unpack<Secret>(r).has_tls_certificate()) << r.name;
    EXPECT_EQ(r.wire->find("KEY-n1"), std::string::npos) << r.name;
  }
  // CA certificates are public, as in istiod.
  const Resource* ca = find(*secrets, "kubernetes://cred-cacert");
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(unpack<Secret>(*ca).validation_context().trusted_ca().inline_bytes(), "CA-n1");
}

TEST(SecretGenerator, NoCredentialsForUnverifiedStreamsOrSidecars) {
  auto snapshot = snapshot_with_roots("ROOT");
  auto unverified = generate_secrets(*snapshot, gateway("n1", false));
  EXPECT_EQ(find(*unverified, "kubernetes://cred"), nullptr);
  Proxy sidecar = testing::sidecar("n1");
  sidecar.identity_verified = true;
  sidecar.credentials_allowed = true;
  auto from_sidecar = generate_secrets(*snapshot, sidecar);
  EXPECT_EQ(find(*from_sidecar, "kubernetes://cred"), nullptr);
  // Workload keys are the agent's: jibd never answers for `default`.
  EXPECT_EQ(find(*from_sidecar, "default"), nullptr);
}

}  // namespace
}  // namespace jib::xds
