#include "mesh/model/networking_index.h"

#include <gtest/gtest.h>

#include "mesh/model/snapshot.h"
#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

SnapshotPtr snapshot_of(const std::string& yaml) { return jib::testing::snapshot_from_yaml(yaml); }

std::string dr(const std::string& ns, const std::string& name, const std::string& host,
               const std::string& subset, const std::string& extra = "") {
  return "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: " +
         name + ", namespace: " + ns + extra + "}\nspec:\n  host: \"" + host +
         "\"\n  subsets: [{name: " + subset + ", labels: {v: " + subset + "}}]\n";
}

constexpr const char* kReviews = R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {labels: {app: reviews}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: private, namespace: shop}
spec:
  hosts: [private.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  exportTo: ["."]
)";

TEST(NetworkingIndex, ExportToHidesServicesFromOtherNamespaces) {
  auto snap = snapshot_of(kReviews);
  EXPECT_EQ(snap->services_for("shop").size(), 2u);
  auto other = snap->services_for("web");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0]->hostname, "reviews.shop.svc.cluster.local");
  EXPECT_TRUE(visible_to({}, "a", "b"));
  EXPECT_TRUE(visible_to({"*"}, "a", "b"));
  EXPECT_TRUE(visible_to({".", "b"}, "a", "b"));
  EXPECT_FALSE(visible_to({"."}, "a", "b"));
  EXPECT_FALSE(visible_to({"c"}, "a", "b"));
}

TEST(NetworkingIndex, WorkloadEntriesAreEndpointsOfSelectingServiceEntries) {
  auto snap = snapshot_of(std::string(kReviews) + R"(
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm1, namespace: shop}
spec: {address: 10.0.0.1, labels: {app: reviews, v: v1}}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: other, namespace: shop}
spec: {address: 10.0.0.2, labels: {app: ratings}}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: elsewhere, namespace: web}
spec: {address: 10.0.0.3, labels: {app: reviews}}
)");
  const Service* svc = snap->service("reviews.shop.svc.cluster.local");
  ASSERT_NE(svc, nullptr);
  ASSERT_EQ(svc->endpoints.size(), 1u);
  EXPECT_EQ(svc->endpoints[0].address, "10.0.0.1");
}

TEST(NetworkingIndex, DestinationRulePrecedenceProxyThenServiceThenRootNamespace) {
  const std::string host = "reviews.shop.svc.cluster.local";
  auto snap = snapshot_of(std::string(kReviews) + dr("istio-system", "root", host, "root") +
                          dr("shop", "svc", host, "svc") + dr("web", "client", host, "client"));
  EXPECT_EQ(snap->destination_rule_for("web", host)->rule.subsets.at(0).name, "client");
  EXPECT_EQ(snap->destination_rule_for("shop", host)->rule.subsets.at(0).name, "svc");
  EXPECT_EQ(snap->destination_rule_for("other", host)->rule.subsets.at(0).name, "svc");

  // Without a rule in the service's namespace the root namespace's applies.
  auto root_only = snapshot_of(std::string(kReviews) + dr("istio-system", "root", host, "root"));
  EXPECT_EQ(root_only->destination_rule_for("other", host)->rule.subsets.at(0).name, "root");
  EXPECT_FALSE(root_only->destination_rule_for("other", "nothing.example.com"));
}

TEST(NetworkingIndex, DestinationRuleNotExportedToTheProxyIsSkipped) {
  const std::string host = "reviews.shop.svc.cluster.local";
  auto snap = snapshot_of(std::string(kReviews) + dr("shop", "private", host, "private", "") +
                          "  exportTo: [\".\"]\n" + dr("istio-system", "root", host, "root"));
  EXPECT_EQ(snap->destination_rule_for("shop", host)->rule.subsets.at(0).name, "private");
  EXPECT_EQ(snap->destination_rule_for("web", host)->rule.subsets.at(0).name, "root");
}

TEST(NetworkingIndex, DestinationRulesForOneHostMergeOldestFirst) {
  const std::string host = "reviews.shop.svc.cluster.local";
  auto snap = snapshot_of(
      std::string(kReviews) +
      dr("shop", "b-newer", host, "v2", ", creationTimestamp: \"2024-02-01T00:00:00Z\"") +
      "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n" +
      dr("shop", "a-older", host, "v1", ", creationTimestamp: \"2024-01-01T00:00:00Z\"") +
      "  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}\n" +
      dr("shop", "c-dup", host, "v1", ", creationTimestamp: \"2024-03-01T00:00:00Z\""));
  auto merged = snap->destination_rule_for("shop", host);
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->rule.subsets.size(), 2u);
  EXPECT_EQ(merged->rule.subsets[0].name, "v1");
  EXPECT_EQ(merged->rule.subsets[1].name, "v2");
  EXPECT_EQ(merged->rule.traffic_policy->load_balancer->simple,
            LoadBalancerSettings::Simple::kLeastRequest);
  ASSERT_EQ(merged->sources.size(), 3u);
  EXPECT_EQ(merged->sources[0].name, "a-older");
}

TEST(NetworkingIndex, ExactHostBeatsWildcardAndSelectorRulesApplyToTheirWorkloads) {
  auto snap = snapshot_of(dr("web", "wild", "*.example.com", "wild") +
                          dr("web", "exact", "a.example.com", "exact") +
                          dr("web", "sel", "b.example.com", "sel") +
                          "  workloadSelector: {matchLabels: {app: front}}\n");
  EXPECT_EQ(snap->destination_rule_for("web", "a.example.com")->rule.subsets[0].name, "exact");
  EXPECT_EQ(snap->destination_rule_for("web", "c.example.com")->rule.subsets[0].name, "wild");
  EXPECT_EQ(
      snap->destination_rule_for("web", "b.example.com", {{"app", "front"}})->rule.subsets[0].name,
      "sel");
  EXPECT_EQ(
      snap->destination_rule_for("web", "b.example.com", {{"app", "back"}})->rule.subsets[0].name,
      "wild");
}

std::string vs(const std::string& ns, const std::string& name, const std::string& created,
               const std::string& host, const std::string& gateways = "") {
  return "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: " + name +
         ", namespace: " + ns + ", creationTimestamp: \"" + created + "\"}\nspec:\n  hosts: [\"" +
         host + "\"]\n" + gateways + "  http: [{route: [{destination: {host: \"" + host +
         "\"}}]}]\n";
}

TEST(NetworkingIndex, ConflictingVirtualServicesOldestWins) {
  auto snap = snapshot_of(vs("a", "new", "2024-05-01T00:00:00Z", "r.example.com") +
                          vs("b", "old", "2024-01-01T00:00:00Z", "r.example.com") +
                          vs("c", "other", "2023-01-01T00:00:00Z", "*.example.com"));
  const auto& net = snap->networking();
  ASSERT_NE(net.virtual_service("x", "r.example.com"), nullptr);
  EXPECT_EQ(net.virtual_service("x", "r.example.com")->meta.name, "old");
  EXPECT_EQ(net.virtual_service("x", "q.example.com")->meta.name, "other");
  ASSERT_EQ(net.virtual_service_conflicts().size(), 1u);
  const auto& c = net.virtual_service_conflicts()[0];
  EXPECT_EQ(c.host, "r.example.com");
  EXPECT_EQ(c.gateway, "mesh");
  EXPECT_EQ(c.winner, (ConfigKey{"VirtualService", "b", "old"}));
  ASSERT_EQ(c.ignored.size(), 1u);
  EXPECT_EQ(c.ignored[0].name, "new");
}

constexpr const char* kGateway = R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*/*.example.com"]
)";

TEST(NetworkingIndex, GatewaysBySelectorAndTheirVirtualServices) {
  auto snap = snapshot_of(std::string(kGateway) +
                          vs("web", "front", "2024-01-01T00:00:00Z", "www.example.com",
                             "  gateways: [istio-system/public]\n") +
                          vs("web", "mesh-only", "2024-01-01T00:00:00Z", "www.example.com"));
  const auto& net = snap->networking();
  ASSERT_NE(net.gateway("istio-system", "public"), nullptr);
  EXPECT_EQ(net.gateways_for({{"istio", "ingressgateway"}, {"app", "x"}}).size(), 1u);
  EXPECT_TRUE(net.gateways_for({{"app", "x"}}).empty());
  auto bound = net.gateway_virtual_services("istio-system/public");
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0]->meta.name, "front");
  EXPECT_EQ(net.virtual_service("web", "www.example.com", "istio-system/public")->meta.name,
            "front");
  EXPECT_EQ(net.virtual_service("web", "www.example.com")->meta.name, "mesh-only");
  EXPECT_TRUE(net.virtual_service_conflicts().empty());
}

std::string sidecar(const std::string& ns, const std::string& name, const std::string& selector) {
  return "---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: " + name +
         ", namespace: " + ns + "}\nspec:\n" + selector + "  egress: [{hosts: [\"./*\"]}]\n";
}

TEST(NetworkingIndex, SidecarScopeSelectorOverNamespaceDefaultOverRootDefault) {
  auto snap = snapshot_of(
      sidecar("istio-system", "mesh-default", "") + sidecar("shop", "shop-default", "") +
      sidecar("shop", "for-reviews", "  workloadSelector: {labels: {app: reviews}}\n"));
  const auto& net = snap->networking();
  EXPECT_EQ(net.sidecar_for("shop", {{"app", "reviews"}})->meta.name, "for-reviews");
  EXPECT_EQ(net.sidecar_for("shop", {{"app", "ratings"}})->meta.name, "shop-default");
  EXPECT_EQ(net.sidecar_for("web", {{"app", "reviews"}})->meta.name, "mesh-default");
  auto none = snapshot_of(sidecar("shop", "shop-default", ""));
  EXPECT_EQ(none->networking().sidecar_for("web", {}), nullptr);
}

}  // namespace
}  // namespace jib::mesh
