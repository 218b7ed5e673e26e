#include "mesh/api/kind_registry.h"

#include <gtest/gtest.h>

#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

TEST(KindRegistry, EveryConfigObjectAlternativeHasOneEntry) {
  std::vector<int> seen(std::variant_size_v<ConfigObject>, 0);
  for (const auto& k : kinds()) {
    ASSERT_LT(k.variant_index, seen.size()) << k.kind;
    ++seen[k.variant_index];
    EXPECT_NE(k.decode, nullptr) << k.kind;
    EXPECT_NE(k.validate, nullptr) << k.kind;
    EXPECT_FALSE(k.versions.empty()) << k.kind;
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "alternative " << i;
}

TEST(KindRegistry, FindsKindsByGroupAndAcceptsTheirVersions) {
  const KindInfo* vs = find_kind("VirtualService", "networking.istio.io");
  ASSERT_NE(vs, nullptr);
  EXPECT_TRUE(vs->accepts("networking.istio.io/v1alpha3"));
  EXPECT_TRUE(vs->accepts("networking.istio.io/v1beta1"));
  EXPECT_TRUE(vs->accepts("networking.istio.io/v1"));
  EXPECT_FALSE(vs->accepts("networking.istio.io/v2"));
  EXPECT_FALSE(vs->accepts("security.istio.io/v1"));
  EXPECT_FALSE(vs->accepts("v1"));
  EXPECT_EQ(vs->api_versions(),
            "networking.istio.io/v1alpha3, networking.istio.io/v1beta1 or networking.istio.io/v1");
  EXPECT_EQ(find_kind("VirtualService", "gateway.networking.k8s.io"), nullptr);
  EXPECT_EQ(group_of("networking.istio.io/v1"), "networking.istio.io");
  EXPECT_EQ(group_of("v1"), "");
}

TEST(KindRegistry, KeyOfNamesTheRegisteredKind) {
  ConfigObject o = DestinationRule{};
  EXPECT_EQ(key_of(o).kind, "DestinationRule");
  EXPECT_EQ(&kind_info(o), find_kind("DestinationRule", "networking.istio.io"));
}

TEST(KindRegistry, KnownKindNameInAForeignGroupIsSomeoneElsesObject) {
  // Gateway API's HTTPRoute shares no name with us, but a foreign group must never be an error.
  auto r = parse_yaml(
      "apiVersion: gateway.networking.k8s.io/v1\nkind: VirtualService\nmetadata: {name: x}\n",
      "f.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "kind");

  auto wrong = parse_yaml(
      "apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: {name: x}\n", "f.yaml");
  ASSERT_EQ(wrong.errors.size(), 1u);
  EXPECT_EQ(wrong.errors[0].str(),
            "f.yaml:1: VirtualService default/x: apiVersion: unsupported apiVersion "
            "\"networking.istio.io/v2\" for VirtualService (expected networking.istio.io/v1alpha3, "
            "networking.istio.io/v1beta1 or networking.istio.io/v1)");
}

}  // namespace
}  // namespace jib::mesh
