#include "mesh/api/validate.h"
#include "mesh/api/field_checks.h"

#include <gtest/gtest.h>

#include "mesh/api/parse.h"
#include "test/unit/mesh/api/invalid_corpus.h"

namespace jib::mesh {
namespace {

using testing::InvalidCase;

// Each case is a complete object with exactly one thing wrong (or, for "all errors", several).
const InvalidCase kInvalid[] = {
    {"weights sum to 70", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 30
    - destination: {host: reviews, subset: v2}
      weight: 40
)",
     "spec.http[0].route", "weights sum to 70, must be 100"},
    {"weight above 100", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews}, weight: 120}
)",
     "spec.http[0].route[0].weight", "weight 120 must be between 0 and 100"},
    {"missing destination host", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {subset: v1}}]
)",
     "spec.http[0].route[0].destination.host", "required"},
    {"delegate with gateways", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  gateways: [ingress]
  http:
  - route: [{destination: {host: reviews}}]
)",
     "spec.gateways", "a delegate VirtualService (one without hosts) must not name gateways"},
    {"delegate with tcp routes", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  tcp:
  - route: [{destination: {host: reviews}}]
)",
     "spec.tcp", "a delegate VirtualService (one without hosts) must not have tcp routes"},
    {"missing DestinationRule host", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  subsets: [{name: v1, labels: {version: v1}}]
)",
     "spec.host", "required"},
    {"bad regex", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {regex: "/api/(v1"}}]
    route: [{destination: {host: reviews}}]
)",
     "spec.http[0].match[0].uri.regex", "invalid regex"},
    {"regex over the program size limit", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {x-id: {regex: "[a-z]{50}[0-9]{50}"}}}]
    route: [{destination: {host: reviews}}]
)",
     "spec.http[0].match[0].headers.x-id.regex", "too complex"},
    {"port 0", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 0, name: http, protocol: HTTP}]
  resolution: DNS
)",
     "spec.ports[0].number", "port number 0 must be between 1 and 65535"},
    {"port 70000", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 70000, name: http, protocol: HTTP}]
  resolution: DNS
)",
     "spec.ports[0].number", "port number 70000 must be between 1 and 65535"},
    {"duplicate port name", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 8080, name: http, protocol: HTTP}
  resolution: DNS
)",
     "spec.ports[1].name", "duplicate port name \"http\""},
    {"duplicate port number", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 80, name: web, protocol: HTTP}
  resolution: DNS
)",
     "spec.ports[1].number", "duplicate port number 80"},
    {"unknown protocol", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: GOPHER}]
  resolution: DNS
)",
     "spec.ports[0].protocol", "unknown protocol \"GOPHER\""},
    {"STATIC without endpoints", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
)",
     "spec.endpoints", "endpoints are required when resolution is STATIC"},
    {"STATIC with a host name endpoint", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: backend.example.com}]
)",
     "spec.endpoints[0].address", "not an IP address"},
    {"endpoint port not declared", R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1, ports: {grpc: 9000}}]
)",
     "spec.endpoints[0].ports.grpc", "port name \"grpc\" is not declared"},
    {"unknown enum value", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  host: reviews
  trafficPolicy: {loadBalancer: {simple: FASTEST}}
)",
     "spec.trafficPolicy.loadBalancer.simple", "unknown value \"FASTEST\""},
    {"bad duration", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    timeout: 10 seconds
)",
     "spec.http[0].timeout", "invalid duration \"10 seconds\""},
    {"duration under 1ms", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    retries: {attempts: 2, perTryTimeout: 500us}
)",
     "spec.http[0].retries.perTryTimeout", "at least 1ms"},
    {"negative retry attempts", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    retries: {attempts: -1}
)",
     "spec.http[0].retries.attempts", "attempts must be >= 0"},
    {"route and redirect both set", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    redirect: {uri: /elsewhere}
)",
     "spec.http[0]", "route and redirect cannot both be set"},
    {"no route, redirect or direct response", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /}}]
)",
     "spec.http[0]", "one of route, redirect or directResponse is required"},
    {"upper case header name", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {X-User: {exact: a}}}]
    route: [{destination: {host: reviews}}]
)",
     "spec.http[0].match[0].headers.X-User", "must be lower case"},
    {"IP as VirtualService host", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [10.0.0.1]
  http: [{route: [{destination: {host: reviews}}]}]
)",
     "spec.hosts[0]", "IP address"},
    {"wildcard not leftmost", R"(
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [foo.*.com]
  http: [{route: [{destination: {host: reviews}}]}]
)",
     "spec.hosts[0]", "only allowed as the whole leftmost label"},
    {"invalid object name", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: Bad_Name}
spec: {host: reviews}
)",
     "metadata.name", "invalid name"},
    {"missing name", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {namespace: x}
spec: {host: reviews}
)",
     "metadata.name", "required"},
    {"duplicate subset", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v1, labels: {version: v2}}
)",
     "spec.subsets[1].name", "duplicate subset name \"v1\""},
    {"subset without labels", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  host: reviews
  subsets: [{name: v1}]
)",
     "spec.subsets[0].labels", "at least one label is required"},
    {"unnamed subset", R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  host: reviews
  subsets: [{labels: {version: v1}}]
)",
     "spec.subsets[0].name", "required"},
};

class InvalidObject : public testing::InvalidCorpus {};

// The object is rejected with the expected error; every error names the file and a line.
TEST_P(InvalidObject, FailsWithFieldPathAndReason) {
  testing::expect_invalid(GetParam(), "case.yaml");
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidObject, ::testing::ValuesIn(kInvalid), testing::case_name);

TEST(Validate, ReportsEveryErrorOfAnObjectWithItsLine) {
  const char* yaml = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: ns}
spec:
  hosts: ["*"]
  ports:
  - {number: 0, name: http, protocol: HTTP}
  - number: 70000
    name: http
    protocol: HTTP
  resolution: STATIC
)";
  ParseResult r = parse_and_validate(yaml, "se.yaml");
  std::vector<std::string> got;
  for (const auto& e : r.errors) got.push_back(e.str());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "se.yaml:5: ServiceEntry ns/se: spec.hosts[0]: host \"*\" is not allowed in "
                     "a ServiceEntry",
                     "se.yaml:7: ServiceEntry ns/se: spec.ports[0].number: port number 0 must be "
                     "between 1 and 65535",
                     "se.yaml:8: ServiceEntry ns/se: spec.ports[1].number: port number 70000 "
                     "must be between 1 and 65535",
                     "se.yaml:9: ServiceEntry ns/se: spec.ports[1].name: duplicate port name "
                     "\"http\"",
                     "se.yaml:11: ServiceEntry ns/se: spec.endpoints: endpoints are required when "
                     "resolution is STATIC",
                 }));
}

TEST(Validate, AcceptsGoodObjects) {
  ParseResult r = parse_and_validate(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: ["*.example.com"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [reviews, "*.example.com"]
  http:
  - match: [{uri: {regex: "/api/v[0-9]+/.*"}, headers: {":authority": {exact: x}}}]
    route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}, weight: 10}
    retries: {attempts: 0, retryOn: "5xx, 503"}
    timeout: 1ms
  - directResponse: {status: 404}
  tcp:
  - route: [{destination: {host: db.example.com, port: {number: 5432}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: gw}
spec:
  hosts: ["*"]
  gateways: [istio-system/ingress]
  http: [{route: [{destination: {host: reviews}}]}]
---
# A delegate: no hosts, reached through another VirtualService's `delegate`.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-delegate}
spec:
  http: [{route: [{destination: {host: reviews}}]}]
)",
                                     "ok.yaml");
  std::string all;
  for (const auto& e : r.errors) all += e.str() + "\n";
  EXPECT_TRUE(r.errors.empty()) << all;
  EXPECT_EQ(r.objects.size(), 4u);
}

TEST(Validate, Helpers) {
  EXPECT_EQ(check_wildcard_host("*"), "");
  EXPECT_EQ(check_wildcard_host("*.a.b"), "");
  EXPECT_EQ(check_wildcard_host("reviews"), "");
  EXPECT_NE(check_wildcard_host("a..b"), "");
  EXPECT_NE(check_wildcard_host("-a.b"), "");
  EXPECT_NE(check_wildcard_host("a.*"), "");
  EXPECT_NE(check_wildcard_host("*a.b"), "");
  EXPECT_EQ(check_dns1123_label("v1"), "");
  EXPECT_NE(check_dns1123_label("V1"), "");
  EXPECT_NE(check_dns1123_label(std::string(64, 'a')), "");
  EXPECT_EQ(check_dns1123_subdomain("a.b-c"), "");
  EXPECT_TRUE(is_ip_or_cidr("10.0.0.0/8"));
  EXPECT_TRUE(is_ip_or_cidr("2001:db8::/32"));
  EXPECT_FALSE(is_ip_or_cidr("10.0.0.0/33"));
  EXPECT_FALSE(is_ip_or_cidr("example.com"));
  EXPECT_EQ(check_regex("^/a/.*$"), "");
  EXPECT_NE(check_regex("(a"), "");
  EXPECT_EQ(check_header_name("x-b3-traceid"), "");
  EXPECT_NE(check_header_name("x user"), "");
  EXPECT_NE(check_header_name(""), "");
}

}  // namespace
}  // namespace jib::mesh
