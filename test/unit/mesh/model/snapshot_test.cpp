#include "mesh/model/snapshot.h"

#include <gtest/gtest.h>

#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

using jib::testing::snapshot_from_yaml;
SnapshotPtr snapshot_of(const std::string& yaml) { return snapshot_from_yaml(yaml); }

constexpr const char* kServices = R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews.bookinfo.svc.cluster.local, reviews.example.com]
  ports: [{number: 9080, name: http, protocol: HTTP, targetPort: 8080}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - {address: 10.0.0.1, labels: {version: v1}}
  - {address: 10.0.0.2, labels: {version: v2}, ports: {http: 9999}}
  - {address: 10.0.0.3, labels: {version: v2, canary: "true"}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec:
  hosts: [api.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
)";

TEST(Snapshot, OneServicePerHostSortedWithEndpoints) {
  auto snap = snapshot_of(kServices);
  EXPECT_EQ(snap->generation(), 1u);
  ASSERT_EQ(snap->services().size(), 3u);
  EXPECT_EQ(snap->services()[0].hostname, "api.example.com");
  EXPECT_EQ(snap->services()[1].hostname, "reviews.bookinfo.svc.cluster.local");
  EXPECT_EQ(snap->services()[2].hostname, "reviews.example.com");
  const Service* reviews = snap->service("reviews.example.com");
  ASSERT_NE(reviews, nullptr);
  EXPECT_EQ(reviews->ns, "bookinfo");
  EXPECT_EQ(reviews->resolution, ServiceEntry::Resolution::kStatic);
  EXPECT_EQ(reviews->location, ServiceEntry::Location::kMeshInternal);
  EXPECT_EQ(reviews->source, (ConfigKey{"ServiceEntry", "bookinfo", "reviews"}));
  ASSERT_EQ(reviews->endpoints.size(), 3u);
  // Endpoint port map first, then targetPort, then the service port itself.
  EXPECT_EQ(reviews->endpoints[0].port_for(reviews->ports[0]), 8080u);
  EXPECT_EQ(reviews->endpoints[1].port_for(reviews->ports[0]), 9999u);
  ServicePort plain{9080, "HTTP", "http", 0};
  EXPECT_EQ(reviews->endpoints[0].port_for(plain), 9080u);
  EXPECT_EQ(snap->service("nope.example.com"), nullptr);
  // DNS without endpoints: the proxy resolves the host itself.
  const Service* ext = snap->service("api.example.com");
  ASSERT_NE(ext, nullptr);
  ASSERT_EQ(ext->endpoints.size(), 1u);
  EXPECT_EQ(ext->endpoints[0].address, "api.example.com");
}

TEST(Snapshot, HelpersAndEmptyState) {
  EXPECT_EQ(resolve_short_name("reviews", "ns"), "reviews.ns.svc.cluster.local");
  EXPECT_EQ(resolve_short_name("reviews.other", "ns"), "reviews.other");
  EXPECT_EQ(resolve_short_name("*", "ns"), "*");
  EXPECT_TRUE(host_matches("*.a.com", "x.a.com"));
  EXPECT_FALSE(host_matches("*.a.com", "a.com"));
  EXPECT_TRUE(host_matches("*", "anything"));
  EXPECT_FALSE(host_matches("a.com", "b.com"));
  auto snap = Snapshot::build(std::make_shared<const StoreState>());
  EXPECT_TRUE(snap->services().empty());
  EXPECT_EQ(snap->service("x"), nullptr);
}

}  // namespace
}  // namespace jib::mesh
