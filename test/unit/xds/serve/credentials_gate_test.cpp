// Gateway keys only to callers the authorizer allows, asked at every generation; the trust
// bundle and CA roots without asking; the allow-list of file mode.
#include "xds/serve/credentials_gate.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "xds/serve/credentials_allow_list.h"

namespace jib::xds {
namespace {

// Answers from a table that tests change between calls, and counts the questions.
class FakeAuthorizer final : public CredentialsAuthorizer {
 public:
  CredentialsVerdict authorize(const std::string& ns, const std::string& sa) override {
    ++calls;
    if (allowed[{ns, sa}]) return {true, ""};
    return {false, ns + "/" + sa + " may not list secrets"};
  }
  std::map<std::pair<std::string, std::string>, bool> allowed;
  int calls = 0;
};

Proxy router(const std::string& sa, bool verified = true) {
  Proxy proxy;
  proxy.type = Proxy::Type::kRouter;
  proxy.id = "router~10.0.0.1~" + sa + "-0.shop~shop.svc.cluster.local";
  proxy.ns = "shop";
  proxy.service_account = sa;
  proxy.identity_verified = verified;
  return proxy;
}

SotwWatch secrets_watch(std::vector<std::string> names) {
  envoy::service::discovery::v3::DiscoveryRequest request;
  for (auto& name : names) request.add_resource_names(name);
  SotwWatch watch;
  watch.on_request(request);
  return watch;
}

struct Gate {
  FakeAuthorizer authorizer;
  metrics::Counter refused;
  CredentialsGate gate{authorizer, refused};
};

TEST(CredentialsGate, WorkloadDeclaringItselfARouterIsRefusedAndCounted) {
  Gate g;
  const SotwWatch watch = secrets_watch({"kubernetes://shop-gw-cert", "ROOTCA"});
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(g.gate.allows(router("web"), watch));
  EXPECT_FALSE(g.gate.allows(router("web"), watch));
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(g.refused.value(), 2u);  // each refused generation
  // Logged once per caller and namespace, with the authorizer's reason.
  size_t first = log.find("refusing the credentials of namespace shop");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("refusing the credentials", first + 1), std::string::npos) << log;
  EXPECT_NE(log.find("shop/web may not list secrets"), std::string::npos) << log;
}

TEST(CredentialsGate, AllowedGatewayIsAskedAtEveryGenerationSoRevocationTakesEffect) {
  Gate g;
  g.authorizer.allowed[{"shop", "gw"}] = true;
  const SotwWatch watch = secrets_watch({"kubernetes://shop-gw-cert"});
  EXPECT_TRUE(g.gate.allows(router("gw"), watch));
  g.authorizer.allowed[{"shop", "gw"}] = false;
  EXPECT_FALSE(g.gate.allows(router("gw"), watch));
  EXPECT_EQ(g.authorizer.calls, 2);
  EXPECT_EQ(g.refused.value(), 1u);
  // Allowed again, then revoked again: the new refusal is logged again.
  g.authorizer.allowed[{"shop", "gw"}] = true;
  EXPECT_TRUE(g.gate.allows(router("gw"), watch));
  g.authorizer.allowed[{"shop", "gw"}] = false;
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(g.gate.allows(router("gw"), watch));
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("refusing the credentials"),
            std::string::npos);
}

TEST(CredentialsGate, AsksOnlyForVerifiedRoutersThatWantAKey) {
  Gate g;
  g.authorizer.allowed[{"shop", "gw"}] = true;
  const SotwWatch key = secrets_watch({"kubernetes://shop-gw-cert"});
  Proxy sidecar = router("gw");
  sidecar.type = Proxy::Type::kSidecar;
  EXPECT_FALSE(g.gate.allows(sidecar, key));
  EXPECT_FALSE(g.gate.allows(router("gw", /*verified=*/false), key));
  // The trust bundle and CA certificates are public: no question, no refusal counted.
  EXPECT_FALSE(g.gate.allows(router("web"), secrets_watch({"ROOTCA", "kubernetes://x-cacert"})));
  EXPECT_EQ(g.authorizer.calls, 0);
  EXPECT_EQ(g.refused.value(), 0u);
  // Everything ("*") includes every key.
  EXPECT_TRUE(g.gate.allows(router("gw"), secrets_watch({"*"})));
  EXPECT_EQ(g.authorizer.calls, 1);
}

TEST(CredentialsAllowList, AllowsExactlyTheListedServiceAccounts) {
  std::string error;
  auto list = make_credentials_allow_list({"shop/gw", "bank/ingress"}, &error);
  ASSERT_NE(list, nullptr) << error;
  EXPECT_TRUE(list->authorize("shop", "gw").allowed);
  EXPECT_TRUE(list->authorize("bank", "ingress").allowed);
  EXPECT_FALSE(list->authorize("shop", "web").allowed);
  EXPECT_FALSE(list->authorize("bank", "gw").allowed);  // the pair, not either half
  const CredentialsVerdict no = list->authorize("shop", "web");
  EXPECT_NE(no.reason.find("shop/web"), std::string::npos);
  auto empty = make_credentials_allow_list({}, &error);
  ASSERT_NE(empty, nullptr);
  EXPECT_FALSE(empty->authorize("shop", "gw").allowed);  // default deny
}

TEST(CredentialsAllowList, MalformedEntryIsNamed) {
  for (const char* bad : {"shop", "/gw", "shop/", "a/b/c", ""}) {
    std::string error;
    EXPECT_EQ(make_credentials_allow_list({"shop/gw", bad}, &error), nullptr) << bad;
    EXPECT_NE(error.find("\"" + std::string(bad) + "\""), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace jib::xds
