// A push context made from the previous one generates again only the types that the push's
// changes can affect, and what it carries over is what generating would give.
#include "xds/serve/push_context.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "test/unit/xds/test_support.h"

namespace jib::xds {
namespace {

using testing::sidecar;
using testing::snapshot_from_yaml;
using testing::workload;

constexpr const char* kBase = R"(
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  ports:
  - {name: http, port: 9080, targetPort: 8080}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-a
  namespace: default
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
ports:
- {name: http, port: 8080}
endpoints:
- addresses: [10.0.0.5]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
)";

// The base config with one endpoint more.
std::string with_endpoint() {
  std::string yaml = kBase;
  yaml.replace(yaml.find("- addresses: [10.0.0.5]"), 23,
               "- addresses: [10.0.0.5]\n- addresses: [10.0.0.6]");
  return yaml;
}

// The base config with a timeout on the route.
std::string with_timeout() { return std::string(kBase) + "    timeout: 3s\n"; }

mesh::ConfigKey key(std::string kind, std::string name = "reviews") {
  return mesh::ConfigKey{std::move(kind), "default", std::move(name)};
}

// Counts generations per type around the real generators.
struct Counter {
  std::array<int, kPushOrder.size()> counts{};
  PushContext::GenerateFn fn() {
    return [this](ResourceType type, const mesh::Snapshot& snapshot, const Proxy& proxy) {
      ++counts[static_cast<size_t>(type)];
      return generate(type, snapshot, proxy);
    };
  }
  int operator[](ResourceType type) const { return counts[static_cast<size_t>(type)]; }
  int total() const {
    int sum = 0;
    for (int c : counts) sum += c;
    return sum;
  }
};

PushRequest request(const mesh::SnapshotPtr& snapshot, const PushContext& previous,
                    std::set<mesh::ConfigKey> changed) {
  PushRequest r;
  r.snapshot = snapshot;
  r.changed = std::move(changed);
  r.from_generation = previous.snapshot().generation();
  r.complete = true;
  return r;
}

void ask_all(const PushContext& context, const Proxy& proxy) {
  for (ResourceType type : kPushOrder) context.resources(type, proxy);
}

class PushContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = std::make_shared<PushContext>(snapshot_from_yaml(kBase), counter_.fn());
    ask_all(*first_, proxy_);
    ASSERT_EQ(counter_.total(), 5);
    counter_ = {};
  }

  // The next context for a new config and change set, with every type asked for once; checks
  // that each type's resources are what generating from the new snapshot gives.
  PushContextPtr push(const std::string& yaml, std::set<mesh::ConfigKey> changed) {
    auto snapshot = snapshot_from_yaml(yaml);
    auto next = PushContext::next(*first_, request(snapshot, *first_, std::move(changed)));
    for (ResourceType type : kPushOrder) {
      auto got = next->resources(type, proxy_);
      auto want = generate(type, *snapshot, proxy_);
      std::vector<const Resource*> got_all, want_all;
      for (const auto& r : *got) got_all.push_back(&r);
      for (const auto& r : *want) want_all.push_back(&r);
      EXPECT_EQ(version_of(got_all), version_of(want_all)) << short_name(type);
    }
    return next;
  }

  // How many generations asking the next context for every type takes.
  int generations_after(const PushRequest& request) {
    counter_ = {};
    ask_all(*PushContext::next(*first_, request), proxy_);
    return counter_.total();
  }

  Counter counter_;
  Proxy proxy_ = sidecar("default");
  std::shared_ptr<PushContext> first_;
};

TEST_F(PushContextTest, EndpointChangeRegeneratesEndpointsAndClustersOnly) {
  push(with_endpoint(), {key("EndpointSlice", "reviews-a")});
  EXPECT_EQ(counter_[ResourceType::kEndpoint], 1);
  EXPECT_EQ(counter_[ResourceType::kCluster], 1);  // SANs and DNS endpoints live in clusters
  EXPECT_EQ(counter_[ResourceType::kListener], 0);
  EXPECT_EQ(counter_[ResourceType::kRoute], 0);
  EXPECT_EQ(counter_[ResourceType::kSecret], 0);
}

TEST_F(PushContextTest, VirtualServiceChangeLeavesEndpointsAndSecrets) {
  auto next = push(with_timeout(), {key("VirtualService")});
  EXPECT_EQ(counter_[ResourceType::kRoute], 1);
  EXPECT_EQ(counter_[ResourceType::kListener], 1);
  EXPECT_EQ(counter_[ResourceType::kCluster], 1);
  EXPECT_EQ(counter_[ResourceType::kEndpoint], 0);
  EXPECT_EQ(counter_[ResourceType::kSecret], 0);
  // Carried over: the very same resources, so streams see an equal version and send nothing.
  EXPECT_EQ(next->resources(ResourceType::kEndpoint, proxy_),
            first_->resources(ResourceType::kEndpoint, proxy_));
  EXPECT_NE(next->resources(ResourceType::kRoute, proxy_),
            first_->resources(ResourceType::kRoute, proxy_));
}

TEST_F(PushContextTest, SecretChangeRegeneratesSecretsOnly) {
  push(kBase, {key("Secret", "cred")});
  EXPECT_EQ(counter_[ResourceType::kSecret], 1);
  EXPECT_EQ(counter_.total(), 1);
}

TEST_F(PushContextTest, ChangesNoGeneratorReadsRegenerateNothing) {
  auto next = push(kBase, {key("Namespace", "default"), key("ServiceAccount", "reviews")});
  EXPECT_EQ(counter_.total(), 0);
  for (ResourceType type : kPushOrder) {
    EXPECT_EQ(next->resources(type, proxy_), first_->resources(type, proxy_)) << short_name(type);
  }
  push(kBase, {});  // no store change (a trust root or key set push of another kind)
  EXPECT_EQ(counter_.total(), 0);
}

TEST_F(PushContextTest, MeshConfigMapAndUnknownKindsRegenerateEverything) {
  push(kBase, {mesh::ConfigKey{"ConfigMap", "istio-system", "istio"}});
  EXPECT_EQ(counter_.total(), 5);
  counter_ = {};
  push(kBase, {key("SomeFutureKind")});
  EXPECT_EQ(counter_.total(), 5);
}

TEST_F(PushContextTest, TrustRootsRegenerateSecretsAndKeySetsListeners) {
  PushRequest roots = request(snapshot_from_yaml(kBase), *first_, {});
  roots.trust_roots_changed = true;
  EXPECT_EQ(generations_after(roots), 1);
  EXPECT_EQ(counter_[ResourceType::kSecret], 1);

  PushRequest jwks = request(snapshot_from_yaml(kBase), *first_, {});
  jwks.jwks_changed = true;
  EXPECT_EQ(generations_after(jwks), 1);
  EXPECT_EQ(counter_[ResourceType::kListener], 1);
}

TEST_F(PushContextTest, AChangeSetThatDoesNotFollowThePreviousSnapshotRegeneratesEverything) {
  PushRequest gap = request(snapshot_from_yaml(kBase), *first_, {});
  gap.complete = false;
  EXPECT_EQ(generations_after(gap), 5);

  PushRequest elsewhere = request(snapshot_from_yaml(kBase), *first_, {});
  elsewhere.from_generation += 1;
  EXPECT_EQ(generations_after(elsewhere), 5);
}

TEST_F(PushContextTest, OutputUnusedInAPushIsNotCarriedFurther) {
  auto snapshot = snapshot_from_yaml(kBase);
  auto second = PushContext::next(*first_, request(snapshot, *first_, {}));
  // Nobody asked the second context (the proxy left): the third generates afresh.
  auto third = PushContext::next(*second, request(snapshot, *second, {}));
  ask_all(*third, proxy_);
  EXPECT_EQ(counter_.total(), 5);
}

TEST_F(PushContextTest, EndpointChangeRegeneratesListenersOfTheWorkloadAtTheEndpoint) {
  // A captured sidecar at an endpoint's address: its inbound ports come from the endpoints.
  Proxy at_endpoint = workload("default", "10.0.0.5", {});
  at_endpoint.interception = Proxy::InterceptionMode::kRedirect;
  ask_all(*first_, at_endpoint);
  counter_ = {};
  auto snapshot = snapshot_from_yaml(with_endpoint());
  auto next = PushContext::next(*first_, request(snapshot, *first_, {key("EndpointSlice")}));
  next->resources(ResourceType::kListener, at_endpoint);
  next->resources(ResourceType::kListener, proxy_);
  EXPECT_EQ(counter_[ResourceType::kListener], 1);  // the workload's; not the other sidecar's
}

TEST_F(PushContextTest, NamespacePolicyRegeneratesListenersOfItsNamespaceOnly) {
  Proxy other = sidecar("shop");
  ask_all(*first_, other);
  counter_ = {};
  auto snapshot = snapshot_from_yaml(kBase);
  auto next = PushContext::next(
      *first_,
      request(snapshot, *first_, {mesh::ConfigKey{"AuthorizationPolicy", "shop", "deny"}}));
  ask_all(*next, proxy_);
  ask_all(*next, other);
  EXPECT_EQ(counter_[ResourceType::kListener], 1);  // shop's; default's is carried over
  EXPECT_EQ(counter_.total(), 1);
}

TEST_F(PushContextTest, RootNamespacePolicyRegeneratesListenersEverywhere) {
  Proxy other = sidecar("shop");
  ask_all(*first_, other);
  counter_ = {};
  auto snapshot = snapshot_from_yaml(kBase);
  auto next = PushContext::next(
      *first_,
      request(snapshot, *first_, {mesh::ConfigKey{"PeerAuthentication", "istio-system", "mesh"}}));
  ask_all(*next, proxy_);
  ask_all(*next, other);
  EXPECT_EQ(counter_[ResourceType::kListener], 2);
  // Clients anywhere read every namespace's mTLS mode for their clusters and endpoints.
  EXPECT_EQ(counter_[ResourceType::kCluster], 2);
  EXPECT_EQ(counter_[ResourceType::kEndpoint], 2);
  EXPECT_EQ(counter_[ResourceType::kRoute], 0);
}

TEST_F(PushContextTest, SidecarOfAnotherNamespaceRegeneratesNothingHere) {
  auto snapshot = snapshot_from_yaml(kBase);
  auto next = PushContext::next(
      *first_, request(snapshot, *first_, {mesh::ConfigKey{"Sidecar", "shop", "default"}}));
  ask_all(*next, proxy_);
  EXPECT_EQ(counter_.total(), 0);
  auto own = PushContext::next(
      *first_, request(snapshot, *first_, {mesh::ConfigKey{"Sidecar", "default", "default"}}));
  ask_all(*own, proxy_);
  EXPECT_EQ(counter_.total(), 4);  // all but secrets
}

TEST(PushContext, AllowedAndRefusedGatewaysNeverShareSecrets) {
  auto snapshot = snapshot_from_yaml(R"(
apiVersion: v1
kind: Secret
metadata: {name: gw-cert, namespace: shop}
stringData: {cert: CERT, key: PRIVATE-KEY}
)");
  Proxy refused;
  refused.type = Proxy::Type::kRouter;
  refused.ns = "shop";
  refused.identity_verified = true;
  Proxy allowed = refused;
  allowed.credentials_allowed = true;
  // Either order: whichever is generated first must not be handed to the other.
  for (const Proxy* first : {&refused, &allowed}) {
    PushContext fresh(snapshot);
    fresh.resources(ResourceType::kSecret, *first);
    auto with_key = fresh.resources(ResourceType::kSecret, allowed);
    auto without = fresh.resources(ResourceType::kSecret, refused);
    ASSERT_EQ(with_key->size(), 1u);
    EXPECT_NE(with_key->front().wire->find("PRIVATE-KEY"), std::string::npos);
    EXPECT_TRUE(without->empty());
  }
}

}  // namespace
}  // namespace jib::xds
