// jibctl analyze's analyzers, each on a small set of objects: what they find, with Istio's codes,
// and that clean config gives no finding.
#include <gtest/gtest.h>

#include "test/unit/mesh/analysis/analysis_test_util.h"

namespace jib::mesh::analysis {
namespace {

using testing::codes;
using testing::run;

constexpr const char* kReviews = R"(
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-v1, namespace: default, labels: {app: reviews, version: v1}}
spec: {containers: [{name: app}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}]
)";

TEST(Analyze, CleanConfigHasNoFindings) {
  std::string yaml = std::string(kReviews) + R"(
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
)";
  EXPECT_EQ(codes(run(yaml)), std::vector<std::string>{});
}

TEST(Analyze, UnknownHostAndSubset) {
  std::string yaml = std::string(kReviews) + R"(
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v9}
      weight: 50
    - destination: {host: ratings}
      weight: 50
  tcp: [{route: [{destination: {host: db.example.com}}]}]
)";
  auto findings = run(yaml);
  EXPECT_EQ(codes(findings),
            (std::vector<std::string>{
                "IST0101 VirtualService default/reviews spec.http[0].route[0].destination.subset",
                "IST0101 VirtualService default/reviews spec.http[0].route[1].destination.host",
                "IST0101 VirtualService default/reviews spec.tcp[0].route[0].destination.host"}));
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[1].str(),
            "a.yaml:31: Error [IST0101] (VirtualService default/reviews) "
            "spec.http[0].route[1].destination.host: Referenced host not found: \"ratings\"");
}

TEST(Analyze, ServiceEntryHostsAndWildcardsAreKnown) {
  auto findings = run(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec:
  hosts: ["*.example.com"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ext}
spec:
  hosts: [api.example.com]
  tcp: [{route: [{destination: {host: api.example.com}}]}]
)");
  EXPECT_EQ(codes(findings), std::vector<std::string>{});
}

TEST(Analyze, SubsetThatSelectsNoPod) {
  std::string yaml = std::string(kReviews) + R"(
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-more}
spec:
  host: reviews.default.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}, {name: v4, labels: {version: v4}}]
)";
  EXPECT_EQ(codes(run(yaml)), std::vector<std::string>{
                                  "IST0173 DestinationRule default/reviews-more spec.subsets[1]"});
}

TEST(Analyze, SubsetsOfHostsWithoutKnownWorkloadsAreNotJudged) {
  auto findings = run(R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ext}
spec:
  host: api.example.com
  subsets: [{name: v4, labels: {version: v4}}]
)");
  EXPECT_EQ(codes(findings), std::vector<std::string>{});
}

constexpr const char* kGateway = R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: apps}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: bookinfo-cert}
---
apiVersion: v1
kind: Pod
metadata: {name: ingress-0, namespace: istio-ingress, labels: {istio: ingressgateway}}
spec: {containers: [{name: istio-proxy}]}
)";

TEST(Analyze, GatewayCredentialWithoutSecret) {
  auto findings = run(kGateway);
  EXPECT_EQ(codes(findings),
            std::vector<std::string>{"IST0101 Gateway apps/gw spec.servers[0].tls.credentialName"});
  // The Secret belongs in the gateway workload's namespace, not the Gateway's.
  std::string with_secret = std::string(kGateway) + R"(
---
apiVersion: v1
kind: Secret
metadata: {name: bookinfo-cert, namespace: istio-ingress}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
)";
  EXPECT_EQ(codes(run(with_secret)), std::vector<std::string>{});
}

TEST(Analyze, ConflictingHostsOnMeshAndOnAGateway) {
  auto findings = run(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc, namespace: team-1}
spec:
  hosts: [productpage.default.svc.cluster.local]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage, namespace: team-1}
spec:
  hosts: [productpage.default.svc.cluster.local]
  http: [{route: [{destination: {host: productpage.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: custom, namespace: team-2}
spec:
  hosts: [productpage.default.svc.cluster.local]
  http: [{route: [{destination: {host: productpage.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge-a, namespace: team-1}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http: [{route: [{destination: {host: productpage.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge-b, namespace: team-2}
spec:
  hosts: [shop.example.com]
  gateways: [team-1/edge]
  http: [{route: [{destination: {host: productpage.default.svc.cluster.local}}]}]
)");
  EXPECT_EQ(codes(findings),
            (std::vector<std::string>{"IST0109 VirtualService team-1/productpage spec.hosts[0]",
                                      "IST0109 VirtualService team-2/custom spec.hosts[0]",
                                      "JIB0002 VirtualService team-1/edge-a spec.hosts[0]",
                                      "JIB0002 VirtualService team-2/edge-b spec.hosts[0]"}));
}

}  // namespace
}  // namespace jib::mesh::analysis
