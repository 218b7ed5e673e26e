// What a change set makes a push generate again: by type, by proxy IP, and by namespace.
#include "xds/serve/push_scope.h"

#include <gtest/gtest.h>

namespace jib::xds {
namespace {

constexpr std::string_view kRoot = "istio-system";

PushScope scope_of(std::string_view kind, std::string_view ns) {
  PushScope scope;
  scope.add_change(kind, ns, kRoot);
  return scope;
}

TEST(PushScope, EmptyScopeRegeneratesNothing) {
  PushScope scope;
  for (ResourceType type : kPushOrder) {
    EXPECT_FALSE(scope.regenerates(type, true, "default")) << short_name(type);
  }
  EXPECT_FALSE(scope.affects_everything());
}

TEST(PushScope, UnknownKindsAffectEverything) {
  EXPECT_TRUE(scope_of("ConfigMap", "istio-system").affects_everything());
  EXPECT_TRUE(scope_of("SomethingNew", "default").affects_everything());
}

TEST(PushScope, EndpointsAffectListenersOnlyWhereOutputDependsOnTheIp) {
  PushScope scope = scope_of("EndpointSlice", "default");
  EXPECT_TRUE(scope.regenerates(ResourceType::kEndpoint, false, "other"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kCluster, false, "other"));
  EXPECT_FALSE(scope.regenerates(ResourceType::kListener, false, "default"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kListener, true, "other"));
  EXPECT_FALSE(scope.regenerates(ResourceType::kRoute, true, "default"));
}

TEST(PushScope, NamespacePoliciesAffectTheirNamespaceUnlessRoot) {
  for (std::string_view kind :
       {"AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin"}) {
    PushScope local = scope_of(kind, "shop");
    EXPECT_TRUE(local.regenerates(ResourceType::kListener, false, "shop")) << kind;
    EXPECT_FALSE(local.regenerates(ResourceType::kListener, false, "default")) << kind;
    EXPECT_FALSE(local.regenerates(ResourceType::kCluster, false, "shop")) << kind;
    PushScope root = scope_of(kind, kRoot);
    EXPECT_TRUE(root.regenerates(ResourceType::kListener, false, "default")) << kind;
    EXPECT_FALSE(root.regenerates(ResourceType::kRoute, false, "default")) << kind;
  }
}

TEST(PushScope, PeerAuthenticationReachesClientsEverywhereAndListenersOfItsNamespace) {
  PushScope scope = scope_of("PeerAuthentication", "shop");
  EXPECT_TRUE(scope.regenerates(ResourceType::kCluster, false, "default"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kEndpoint, false, "default"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kListener, false, "shop"));
  EXPECT_FALSE(scope.regenerates(ResourceType::kListener, false, "default"));
}

TEST(PushScope, SidecarScopesItsOwnNamespaceOrAllFromTheRoot) {
  PushScope local = scope_of("Sidecar", "shop");
  for (ResourceType type : {ResourceType::kCluster, ResourceType::kEndpoint,
                            ResourceType::kListener, ResourceType::kRoute}) {
    EXPECT_TRUE(local.regenerates(type, false, "shop")) << short_name(type);
    EXPECT_FALSE(local.regenerates(type, false, "default")) << short_name(type);
  }
  EXPECT_FALSE(local.regenerates(ResourceType::kSecret, false, "shop"));
  EXPECT_TRUE(scope_of("Sidecar", kRoot).regenerates(ResourceType::kRoute, false, "default"));
}

TEST(PushScope, SecretsReachTheirNamespaceOnlyEvenInTheRoot) {
  PushScope root = scope_of("Secret", kRoot);
  EXPECT_TRUE(root.regenerates(ResourceType::kSecret, false, kRoot));
  EXPECT_FALSE(root.regenerates(ResourceType::kSecret, false, "default"));
  EXPECT_FALSE(root.regenerates(ResourceType::kListener, false, kRoot));
}

TEST(PushScope, ScopesAddUp) {
  PushScope scope;
  scope.add_change("AuthorizationPolicy", "a", kRoot);
  scope.add_change("AuthorizationPolicy", "b", kRoot);
  scope.add_change("VirtualService", "a", kRoot);
  EXPECT_TRUE(scope.regenerates(ResourceType::kListener, false, "a"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kListener, false, "b"));
  EXPECT_TRUE(scope.regenerates(ResourceType::kListener, false, "c"));  // the VirtualService
  EXPECT_FALSE(scope.regenerates(ResourceType::kEndpoint, false, "a"));
}

}  // namespace
}  // namespace jib::xds
