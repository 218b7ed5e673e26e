#include "xds/translate/proxy.h"

#include <gtest/gtest.h>

#include "envoy/config/core/v3/base.pb.h"

namespace jib::xds {
namespace {

envoy::config::core::v3::Node node(const std::string& id) {
  envoy::config::core::v3::Node n;
  n.set_id(id);
  return n;
}

TEST(Proxy, ParsesIstioNodeIdAndMetadata) {
  auto n = node("sidecar~10.1.2.3~web-1.shop~shop.svc.cluster.local");
  auto& fields = *n.mutable_metadata()->mutable_fields();
  fields["INTERCEPTION_MODE"].set_string_value("NONE");
  fields["SERVICE_ACCOUNT"].set_string_value("web");
  (*fields["LABELS"].mutable_struct_value()->mutable_fields())["app"].set_string_value("web");
  Proxy proxy;
  std::string error;
  ASSERT_TRUE(parse_proxy(n, &proxy, &error)) << error;
  EXPECT_EQ(proxy.type, Proxy::Type::kSidecar);
  EXPECT_EQ(proxy.ip, "10.1.2.3");
  EXPECT_EQ(proxy.ns, "shop");  // from the id when NAMESPACE metadata is absent
  EXPECT_EQ(proxy.service_account, "web");
  EXPECT_EQ(proxy.interception, Proxy::InterceptionMode::kNone);
  EXPECT_EQ(proxy.labels.at("app"), "web");
}

TEST(Proxy, NamespaceMetadataWins) {
  auto n = node("router~10.0.0.1~gw.a~a.svc.cluster.local");
  (*n.mutable_metadata()->mutable_fields())["NAMESPACE"].set_string_value("b");
  Proxy proxy;
  std::string error;
  ASSERT_TRUE(parse_proxy(n, &proxy, &error));
  EXPECT_EQ(proxy.type, Proxy::Type::kRouter);
  EXPECT_EQ(proxy.ns, "b");
}

TEST(Proxy, RejectsMalformedIds) {
  Proxy proxy;
  std::string error;
  EXPECT_FALSE(parse_proxy(node("just-a-name"), &proxy, &error));
  EXPECT_NE(error.find("just-a-name"), std::string::npos);
  EXPECT_FALSE(parse_proxy(node("gateway~1.2.3.4~a.b~c"), &proxy, &error));
  EXPECT_NE(error.find("unknown proxy type"), std::string::npos);
}

TEST(Proxy, CacheKeySeparatesWhatGeneratorsRead) {
  Proxy a, b;
  a.ns = b.ns = "x";
  EXPECT_EQ(a.cache_key(), b.cache_key());
  b.interception = Proxy::InterceptionMode::kNone;
  EXPECT_NE(a.cache_key(), b.cache_key());
  b = a;
  b.type = Proxy::Type::kRouter;
  EXPECT_NE(a.cache_key(), b.cache_key());
  b = a;
  b.labels["app"] = "web";  // workload selectors and sourceLabels read labels
  EXPECT_NE(a.cache_key(), b.cache_key());
  b = a;
  b.ns = "y";
  EXPECT_NE(a.cache_key(), b.cache_key());
  b = a;
  b.identity_verified = true;
  EXPECT_NE(a.cache_key(), b.cache_key());
  // An allowed and a refused caller must never share cached SDS output (gateway keys).
  Proxy allowed = b;
  allowed.credentials_allowed = true;
  EXPECT_NE(allowed.cache_key(), b.cache_key());
}

}  // namespace
}  // namespace jib::xds
