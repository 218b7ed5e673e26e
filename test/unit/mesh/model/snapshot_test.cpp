#include "mesh/model/snapshot.h"

#include <gtest/gtest.h>

#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

using jib::testing::snapshot_from_yaml;
SnapshotPtr snapshot_of(const std::string& yaml) { return snapshot_from_yaml(yaml); }

std::vector<std::string> names(const std::vector<const VirtualService*>& list) {
  std::vector<std::string> out;
  for (const auto* vs : list) out.push_back(vs->meta.ns + "/" + vs->meta.name);
  return out;
}

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

TEST(Snapshot, EndpointsBySubset) {
  auto snap = snapshot_of(std::string(kServices) + R"(
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews.example.com
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: canary, labels: {version: v2, canary: "true"}}
)");
  const Service* reviews = snap->service("reviews.example.com");
  ASSERT_NE(reviews, nullptr);
  auto addresses = [&](std::string_view subset) {
    std::vector<std::string> out;
    for (const auto* ep : snap->endpoints(*reviews, subset)) out.push_back(ep->address);
    return out;
  };
  EXPECT_EQ(addresses("v1"), std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(addresses("v2"), (std::vector<std::string>{"10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(addresses("canary"), std::vector<std::string>{"10.0.0.3"});
  EXPECT_EQ(addresses("").size(), 3u);
  EXPECT_EQ(addresses("unknown").size(), 3u);
}

TEST(Snapshot, DestinationRuleExactBeforeMostSpecificWildcard) {
  auto snap = snapshot_of(std::string(kServices) + R"(
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: all, namespace: default}
spec: {host: "*"}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: example, namespace: default}
spec: {host: "*.example.com"}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: exact, namespace: default}
spec: {host: api.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: short, namespace: bookinfo}
spec: {host: reviews}
)");
  auto name_of = [&](std::string_view host) {
    const DestinationRule* dr = snap->destination_rule(host);
    return dr == nullptr ? std::string("<none>") : dr->meta.name;
  };
  EXPECT_EQ(name_of("api.example.com"), "exact");
  EXPECT_EQ(name_of("reviews.example.com"), "example");
  EXPECT_EQ(name_of("a.b.example.com"), "example");
  EXPECT_EQ(name_of("example.com"), "all");
  EXPECT_EQ(name_of("other.org"), "all");
  // A short name means the service of that name in the rule's own namespace.
  EXPECT_EQ(name_of("reviews.bookinfo.svc.cluster.local"), "short");
}

TEST(Snapshot, DestinationRuleInTheServiceNamespaceWins) {
  auto snap = snapshot_of(std::string(kServices) + R"(
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a-first, namespace: aaa}
spec: {host: reviews.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: owner, namespace: bookinfo}
spec: {host: reviews.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: x, namespace: bbb}
spec: {host: nosvc.example.com}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: y, namespace: aaa}
spec: {host: nosvc.example.com}
)");
  EXPECT_EQ(snap->destination_rule("reviews.example.com")->meta.name, "owner");
  // No service to say which namespace owns the host: first by namespace/name.
  EXPECT_EQ(snap->destination_rule("nosvc.example.com")->meta.name, "y");
}

TEST(Snapshot, MeshVirtualServicesByHostInNamespaceNameOrder) {
  auto snap = snapshot_of(R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: zz, namespace: a}
spec:
  hosts: [reviews.example.com]
  http: [{route: [{destination: {host: reviews.example.com}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: z}
spec:
  hosts: ["*.example.com"]
  gateways: [mesh, istio-system/ingress]
  http: [{route: [{destination: {host: reviews.example.com}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: z}
spec:
  hosts: [reviews.example.com]
  http: [{route: [{destination: {host: reviews.example.com}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ingress-only, namespace: a}
spec:
  hosts: [reviews.example.com]
  gateways: [istio-system/ingress]
  http: [{route: [{destination: {host: reviews.example.com}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: short, namespace: bookinfo}
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings}}]}]
)");
  EXPECT_EQ(names(snap->mesh_virtual_services("reviews.example.com")),
            (std::vector<std::string>{"a/zz", "z/a", "z/b"}));
  EXPECT_EQ(names(snap->mesh_virtual_services("other.example.com")),
            std::vector<std::string>{"z/b"});
  EXPECT_TRUE(snap->mesh_virtual_services("reviews.example.org").empty());
  EXPECT_EQ(names(snap->mesh_virtual_services("ratings.bookinfo.svc.cluster.local")),
            std::vector<std::string>{"bookinfo/short"});
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
  EXPECT_EQ(snap->destination_rule("x"), nullptr);
}

}  // namespace
}  // namespace jib::mesh
