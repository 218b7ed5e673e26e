// VirtualService fields beyond plain routing: fault, mirrors, CORS, delegate, TLS routes,
// retries, redirects and direct responses, from Istio's reference docs.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mesh/api/virtual_service.h"
#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;
using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;

// Every documented field of VirtualService at least once (Istio's examples, combined).
constexpr const char* kAllFieldsYaml = R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-route, namespace: bookinfo}
spec:
  hosts: [reviews.prod.svc.cluster.local, "*.bookinfo.com"]
  gateways: [bookinfo-gateway, mesh]
  exportTo: [".", istio-system]
  http:
  - name: reviews-v2-routes
    match:
    - name: v2-prefix
      uri: {prefix: /wpcatalog}
      scheme: {exact: https}
      method: {exact: GET}
      authority: {prefix: reviews}
      headers: {end-user: {exact: jason}}
      queryParams: {version: {regex: "v[0-9]+"}}
      withoutHeaders: {x-debug: {exact: "1"}}
      port: 9080
      sourceLabels: {app: productpage}
      gateways: [mesh]
      ignoreUriCase: true
      sourceNamespace: bookinfo
      statPrefix: reviews_v2
    rewrite: {uri: /newcatalog, authority: reviews.internal}
    route:
    - destination: {host: reviews.prod.svc.cluster.local, subset: v2, port: {number: 9080}}
      weight: 75
      headers:
        request: {set: {x-route: v2}}
        response: {add: {x-served-by: v2}, remove: [x-internal]}
    - destination: {host: reviews.prod.svc.cluster.local, subset: v1}
      weight: 25
    timeout: 10s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
      retryRemoteLocalities: true
      retryIgnorePreviousHosts: true
      backoff: 25ms
    fault:
      delay: {fixedDelay: 5s, percentage: {value: 0.1}}
      abort: {httpStatus: 400, percentage: {value: 0.1}}
    mirror: {host: reviews-shadow, subset: v3}
    mirrorPercentage: {value: 50.0}
    corsPolicy:
      allowOrigins: [{exact: "https://example.com"}, {regex: "https://.*\\.example\\.org"}]
      allowMethods: [POST, GET]
      allowHeaders: [X-Foo-Bar, content-type]
      exposeHeaders: [X-Foo-Bar]
      maxAge: 24h
      allowCredentials: false
      unmatchedPreflights: IGNORE
    headers:
      request: {set: {x-vs: reviews}}
  - name: legacy-mirror
    match: [{uri: {exact: /legacy}}]
    route: [{destination: {host: reviews.prod.svc.cluster.local, subset: v1}}]
    mirror: {host: reviews-shadow}
    mirror_percent: 20
    fault:
      delay: {fixedDelay: 1s, percent: 10}
      abort: {grpcStatus: UNAVAILABLE}
    corsPolicy: {allowOrigin: ["https://old.example.com"]}
  - match: [{uri: {prefix: /multi}}]
    route: [{destination: {host: reviews.prod.svc.cluster.local}}]
    mirrors:
    - destination: {host: reviews-shadow-a}
      percentage: {value: 25}
    - destination: {host: reviews-shadow-b, port: {number: 9080}}
  - match: [{uri: {prefix: /v1/getProductRatings}}]
    redirect: {uri: /v1/bookRatings, authority: newratings.default.svc.cluster.local, scheme: https, derivePort: FROM_REQUEST_PORT, redirectCode: 301}
  - match: [{uri: {prefix: /old}}]
    redirect: {authority: new.example.com, port: 8443}
  - match: [{uri: {regex: "^/service/([^/]+)(/.*)$"}}]
    rewrite: {uriRegexRewrite: {match: "^/service/([^/]+)(/.*)$", rewrite: '/\2/instance/\1'}}
    route: [{destination: {host: reviews.prod.svc.cluster.local}}]
  - match: [{uri: {exact: /unknown}}]
    directResponse: {status: 503, body: {string: "unknown path"}}
  - match: [{uri: {exact: /binary}}]
    directResponse: {status: 200, body: {bytes: aGVsbG8=}}
  - match: [{uri: {prefix: /productpage}}]
    delegate: {name: productpage, namespace: nsa}
  - delegate: {name: reviews}
  tls:
  - match:
    - sniHosts: [login.bookinfo.com]
      destinationSubnets: [10.0.0.0/8]
      port: 443
      sourceLabels: {app: frontend}
      gateways: [mesh]
      sourceNamespace: bookinfo
    route:
    - destination: {host: login.prod.svc.cluster.local}
      weight: 80
    - destination: {host: login.canary.svc.cluster.local}
      weight: 20
  tcp:
  - match: [{port: 27017, destinationSubnets: [10.1.0.0/16], sourceLabels: {app: client}, gateways: [mesh], sourceNamespace: bookinfo}]
    route: [{destination: {host: mongo.backup.svc.cluster.local, port: {number: 5555}}, weight: 100}]
)";

// The same object as protobuf JSON (kubectl -o json).
constexpr const char* kAllFieldsJson = R"({
 "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
 "metadata": {"name": "reviews-route", "namespace": "bookinfo"},
 "spec": {
  "hosts": ["reviews.prod.svc.cluster.local", "*.bookinfo.com"],
  "gateways": ["bookinfo-gateway", "mesh"],
  "exportTo": [".", "istio-system"],
  "http": [
   {"name": "reviews-v2-routes",
    "match": [{"name": "v2-prefix", "uri": {"prefix": "/wpcatalog"}, "scheme": {"exact": "https"},
      "method": {"exact": "GET"}, "authority": {"prefix": "reviews"},
      "headers": {"end-user": {"exact": "jason"}}, "queryParams": {"version": {"regex": "v[0-9]+"}},
      "withoutHeaders": {"x-debug": {"exact": "1"}}, "port": 9080,
      "sourceLabels": {"app": "productpage"}, "gateways": ["mesh"], "ignoreUriCase": true,
      "sourceNamespace": "bookinfo", "statPrefix": "reviews_v2"}],
    "rewrite": {"uri": "/newcatalog", "authority": "reviews.internal"},
    "route": [
     {"destination": {"host": "reviews.prod.svc.cluster.local", "subset": "v2", "port": {"number": 9080}},
      "weight": 75,
      "headers": {"request": {"set": {"x-route": "v2"}},
                  "response": {"add": {"x-served-by": "v2"}, "remove": ["x-internal"]}}},
     {"destination": {"host": "reviews.prod.svc.cluster.local", "subset": "v1"}, "weight": 25}],
    "timeout": "10s",
    "retries": {"attempts": 3, "perTryTimeout": "2s",
      "retryOn": "gateway-error,connect-failure,refused-stream", "retryRemoteLocalities": true,
      "retryIgnorePreviousHosts": true, "backoff": "0.025s"},
    "fault": {"delay": {"fixedDelay": "5s", "percentage": {"value": 0.1}},
              "abort": {"httpStatus": 400, "percentage": {"value": 0.1}}},
    "mirror": {"host": "reviews-shadow", "subset": "v3"},
    "mirrorPercentage": {"value": 50},
    "corsPolicy": {"allowOrigins": [{"exact": "https://example.com"}, {"regex": "https://.*\\.example\\.org"}],
      "allowMethods": ["POST", "GET"], "allowHeaders": ["X-Foo-Bar", "content-type"],
      "exposeHeaders": ["X-Foo-Bar"], "maxAge": "86400s", "allowCredentials": false,
      "unmatchedPreflights": "IGNORE"},
    "headers": {"request": {"set": {"x-vs": "reviews"}}}},
   {"name": "legacy-mirror", "match": [{"uri": {"exact": "/legacy"}}],
    "route": [{"destination": {"host": "reviews.prod.svc.cluster.local", "subset": "v1"}}],
    "mirror": {"host": "reviews-shadow"}, "mirrorPercent": 20,
    "fault": {"delay": {"fixedDelay": "1s", "percent": 10}, "abort": {"grpcStatus": "UNAVAILABLE"}},
    "corsPolicy": {"allowOrigin": ["https://old.example.com"]}},
   {"match": [{"uri": {"prefix": "/multi"}}],
    "route": [{"destination": {"host": "reviews.prod.svc.cluster.local"}}],
    "mirrors": [{"destination": {"host": "reviews-shadow-a"}, "percentage": {"value": 25}},
                {"destination": {"host": "reviews-shadow-b", "port": {"number": 9080}}}]},
   {"match": [{"uri": {"prefix": "/v1/getProductRatings"}}],
    "redirect": {"uri": "/v1/bookRatings", "authority": "newratings.default.svc.cluster.local",
      "scheme": "https", "derivePort": "FROM_REQUEST_PORT", "redirectCode": 301}},
   {"match": [{"uri": {"prefix": "/old"}}], "redirect": {"authority": "new.example.com", "port": 8443}},
   {"match": [{"uri": {"regex": "^/service/([^/]+)(/.*)$"}}],
    "rewrite": {"uriRegexRewrite": {"match": "^/service/([^/]+)(/.*)$", "rewrite": "/\\2/instance/\\1"}},
    "route": [{"destination": {"host": "reviews.prod.svc.cluster.local"}}]},
   {"match": [{"uri": {"exact": "/unknown"}}],
    "directResponse": {"status": 503, "body": {"string": "unknown path"}}},
   {"match": [{"uri": {"exact": "/binary"}}],
    "directResponse": {"status": 200, "body": {"bytes": "aGVsbG8="}}},
   {"match": [{"uri": {"prefix": "/productpage"}}],
    "delegate": {"name": "productpage", "namespace": "nsa"}},
   {"delegate": {"name": "reviews"}}],
  "tls": [{"match": [{"sniHosts": ["login.bookinfo.com"], "destinationSubnets": ["10.0.0.0/8"],
      "port": 443, "sourceLabels": {"app": "frontend"}, "gateways": ["mesh"],
      "sourceNamespace": "bookinfo"}],
    "route": [{"destination": {"host": "login.prod.svc.cluster.local"}, "weight": 80},
              {"destination": {"host": "login.canary.svc.cluster.local"}, "weight": 20}]}],
  "tcp": [{"match": [{"port": 27017, "destinationSubnets": ["10.1.0.0/16"],
      "sourceLabels": {"app": "client"}, "gateways": ["mesh"], "sourceNamespace": "bookinfo"}],
    "route": [{"destination": {"host": "mongo.backup.svc.cluster.local", "port": {"number": 5555}},
      "weight": 100}]}]
 }
})";

TEST(VirtualServiceFields, EveryDocumentedFieldParsesAndValidatesStrictly) {
  const auto vs = parse_valid<VirtualService>(kAllFieldsYaml);
  ASSERT_EQ(vs.http.size(), 10u);
  const HTTPRoute& r = vs.http[0];
  EXPECT_EQ(r.match.at(0).stat_prefix, "reviews_v2");
  ASSERT_TRUE(r.retries);
  EXPECT_EQ(r.retries->retry_ignore_previous_hosts, true);
  EXPECT_EQ(r.retries->backoff, 25ms);
  ASSERT_TRUE(r.fault && r.fault->delay && r.fault->abort);
  EXPECT_EQ(r.fault->delay->delay, (std::variant<FixedDelay, ExponentialDelay>(FixedDelay{5s})));
  EXPECT_EQ(r.fault->delay->percentage, Percent{0.1});
  EXPECT_EQ(
      r.fault->abort->error,
      (std::variant<AbortHttpStatus, AbortGrpcStatus, AbortHttp2Error>(AbortHttpStatus{400})));
  EXPECT_EQ(r.mirror, (Destination{"reviews-shadow", "v3", std::nullopt}));
  EXPECT_EQ(r.mirror_percentage, Percent{50});
  ASSERT_TRUE(r.cors_policy);
  const CorsPolicy& cors = *r.cors_policy;
  ASSERT_EQ(cors.allow_origins.size(), 2u);
  EXPECT_EQ(cors.allow_origins[0], StringMatch(ExactMatch{"https://example.com"}));
  EXPECT_EQ(cors.allow_origins[1], StringMatch(RegexMatch{"https://.*\\.example\\.org"}));
  EXPECT_EQ(cors.allow_methods, (std::vector<std::string>{"POST", "GET"}));
  EXPECT_EQ(cors.max_age, 24h);
  EXPECT_EQ(cors.allow_credentials, false);
  EXPECT_EQ(cors.unmatched_preflights, CorsPolicy::UnmatchedPreflights::kIgnore);

  const HTTPRoute& legacy = vs.http[1];
  EXPECT_EQ(legacy.mirror_percent, 20u);
  EXPECT_EQ(legacy.fault->delay->percent, 10);
  EXPECT_EQ(legacy.fault->abort->error,
            (std::variant<AbortHttpStatus, AbortGrpcStatus, AbortHttp2Error>(
                AbortGrpcStatus{"UNAVAILABLE"})));
  EXPECT_EQ(legacy.cors_policy->allow_origin,
            (std::vector<std::string>{"https://old.example.com"}));

  ASSERT_EQ(vs.http[2].mirrors.size(), 2u);
  EXPECT_EQ(vs.http[2].mirrors[0].percentage, Percent{25});
  EXPECT_FALSE(vs.http[2].mirrors[1].percentage);
  EXPECT_EQ(vs.http[3].redirect->derive_port, HTTPRedirect::DerivePort::kFromRequestPort);
  EXPECT_EQ(vs.http[3].redirect->redirect_code, 301u);
  EXPECT_EQ(vs.http[4].redirect->port, 8443u);
  EXPECT_EQ(vs.http[5].rewrite->uri_regex_rewrite, "/\\2/instance/\\1");
  EXPECT_EQ(vs.http[6].direct_response->body, "unknown path");
  EXPECT_FALSE(vs.http[6].direct_response->body_from_bytes);
  EXPECT_EQ(vs.http[7].direct_response->body, "hello");
  EXPECT_TRUE(vs.http[7].direct_response->body_from_bytes);
  EXPECT_EQ(vs.http[8].delegate, (Delegate{"productpage", "nsa"}));
  EXPECT_EQ(vs.http[9].delegate, (Delegate{"reviews", ""}));

  ASSERT_EQ(vs.tls.size(), 1u);
  const TLSMatchAttributes& m = vs.tls[0].match.at(0);
  EXPECT_EQ(m.sni_hosts, (std::vector<std::string>{"login.bookinfo.com"}));
  EXPECT_EQ(m.destination_subnets, (std::vector<std::string>{"10.0.0.0/8"}));
  EXPECT_EQ(m.port, 443u);
  EXPECT_EQ(m.source_labels, (Labels{{"app", "frontend"}}));
  EXPECT_EQ(m.gateways, (std::vector<std::string>{"mesh"}));
  EXPECT_EQ(m.source_namespace, "bookinfo");
  ASSERT_EQ(vs.tls[0].route.size(), 2u);
  EXPECT_EQ(vs.tls[0].route[1].weight, 20);
}

TEST(VirtualServiceFields, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<VirtualService>(kAllFieldsYaml),
            parse_valid<VirtualService>(kAllFieldsJson, "fixture.json"));
}

TEST(VirtualServiceFields, EveryApiVersionParsesTheNewFields) {
  for (const char* version : {"v1alpha3", "v1beta1", "v1"}) {
    SCOPED_TRACE(version);
    std::string yaml = kAllFieldsYaml;
    yaml.replace(yaml.find("v1\n"), 3, std::string(version) + "\n");
    EXPECT_EQ(parse_valid<VirtualService>(yaml), parse_valid<VirtualService>(kAllFieldsYaml));
  }
}

TEST(VirtualServiceFields, AbortWithoutErrorTypeIsAWarning) {
  ParseResult r = parse_and_validate(R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ns}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    fault: {abort: {percentage: {value: 10}}}
)",
                                     "w.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.objects.size(), 1u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "spec.http[0].fault.abort");
  EXPECT_EQ(r.warnings[0].line, 8);
}

TEST(VirtualServiceFields, UnknownFieldsInNewStructsAreStrictErrors) {
  ParseResult r = parse_yaml(R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ns}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    corsPolicy: {allowMethods: [GET], allowPrivateNetwork: true}
  tls:
  - match: [{sniHosts: [reviews], alpn: [h2]}]
    route: [{destination: {host: reviews}}]
)",
                             "s.yaml", ParseOptions{.strict = true});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].field, "spec.http[0].corsPolicy.allowPrivateNetwork");
  EXPECT_EQ(r.errors[1].field, "spec.tls[0].match[0].alpn");
}

std::string vs(const std::string& spec) {
  return testing::object_yaml("networking.istio.io/v1", "VirtualService", "vs", "ns",
                              "spec:\n  hosts: [reviews, \"*.example.com\"]\n" + spec);
}

// An HTTP route with a destination, then the field under test.
std::string http(const std::string& fields) {
  return vs("  http:\n  - route: [{destination: {host: reviews}}]\n" + fields);
}

const InvalidCase kCases[] = {
    {"fault without abort or delay", http("    fault: {}\n"), "spec.http[0].fault",
     "must have an abort and/or a delay"},
    {"abort status out of range", http("    fault: {abort: {httpStatus: 700}}\n"),
     "spec.http[0].fault.abort.httpStatus", "must be between 200 and 599"},
    {"unknown gRPC status", http("    fault: {abort: {grpcStatus: NOPE}}\n"),
     "spec.http[0].fault.abort.grpcStatus", "unknown gRPC status \"NOPE\""},
    {"abort http2Error", http("    fault: {abort: {http2Error: PROTOCOL_ERROR}}\n"),
     "spec.http[0].fault.abort.http2Error", "not supported"},
    {"abort with two error types", http("    fault: {abort: {httpStatus: 503, grpcStatus: OK}}\n"),
     "spec.http[0].fault.abort.grpcStatus", "only one of httpStatus, grpcStatus and http2Error"},
    {"abort percentage above 100",
     http("    fault: {abort: {httpStatus: 503, percentage: {value: 150}}}\n"),
     "spec.http[0].fault.abort.percentage.value", "percentage 150 must be between 0 and 100"},
    {"delay below 1ms", http("    fault: {delay: {fixedDelay: 100us}}\n"),
     "spec.http[0].fault.delay.fixedDelay", "1ms"},
    {"delay percent above 100", http("    fault: {delay: {fixedDelay: 1s, percent: 101}}\n"),
     "spec.http[0].fault.delay.percent", "must be between 0 and 100"},
    {"exponential delay", http("    fault: {delay: {exponentialDelay: 1s}}\n"),
     "spec.http[0].fault.delay.exponentialDelay", "not supported"},
    {"delay percentage negative",
     http("    fault: {delay: {fixedDelay: 1s, percentage: {value: -1}}}\n"),
     "spec.http[0].fault.delay.percentage.value", "must be between 0 and 100"},
    {"fault on a direct response",
     vs("  http:\n  - directResponse: {status: 503}\n    fault: {abort: {httpStatus: 500}}\n"),
     "spec.http[0].fault", "fault cannot be used with directResponse"},
    {"mirror and mirrors",
     http("    mirror: {host: shadow}\n    mirrors: [{destination: {host: shadow2}}]\n"),
     "spec.http[0].mirrors", "mirror and mirrors cannot both be set"},
    {"mirror without host", http("    mirror: {subset: v1}\n"), "spec.http[0].mirror.host",
     "required"},
    {"mirror percentage above 100",
     http("    mirror: {host: shadow}\n    mirrorPercentage: {value: 100.5}\n"),
     "spec.http[0].mirrorPercentage.value", "percentage 100.5 must be between 0 and 100"},
    {"deprecated mirror_percent above 100",
     http("    mirror: {host: shadow}\n    mirror_percent: 101\n"), "spec.http[0].mirror_percent",
     "must be at most 100"},
    {"mirrors entry percentage",
     http("    mirrors: [{destination: {host: shadow}, percentage: {value: 200}}]\n"),
     "spec.http[0].mirrors[0].percentage.value", "must be between 0 and 100"},
    {"mirrors entry bad subset",
     http("    mirrors: [{destination: {host: shadow, subset: V_1}}]\n"),
     "spec.http[0].mirrors[0].destination.subset", "invalid subset name"},
    {"CORS empty origin", http("    corsPolicy: {allowOrigins: [{exact: \"\"}]}\n"),
     "spec.http[0].corsPolicy.allowOrigins[0]", "must not be empty"},
    {"CORS bad origin regex", http("    corsPolicy: {allowOrigins: [{regex: \"(\"}]}\n"),
     "spec.http[0].corsPolicy.allowOrigins[0].regex", "invalid regex"},
    {"CORS unknown method", http("    corsPolicy: {allowMethods: [GET, FETCH]}\n"),
     "spec.http[0].corsPolicy.allowMethods[1]", "\"FETCH\" is not a supported HTTP method"},
    {"CORS bad header", http("    corsPolicy: {allowHeaders: [\"x foo\"]}\n"),
     "spec.http[0].corsPolicy.allowHeaders[0]", "invalid header name \"x foo\""},
    {"CORS bad expose header", http("    corsPolicy: {exposeHeaders: [\"a,b\"]}\n"),
     "spec.http[0].corsPolicy.exposeHeaders[0]", "invalid header name"},
    {"CORS maxAge fraction", http("    corsPolicy: {maxAge: 1.5s}\n"),
     "spec.http[0].corsPolicy.maxAge", "seconds precision"},
    {"CORS unmatchedPreflights unknown", http("    corsPolicy: {unmatchedPreflights: DROP}\n"),
     "spec.http[0].corsPolicy.unmatchedPreflights", "unknown value \"DROP\""},
    {"delegate with route", http("    delegate: {name: child}\n"), "spec.http[0].delegate",
     "delegate cannot be set with route"},
    {"delegate without name", vs("  http:\n  - delegate: {namespace: ns2}\n"),
     "spec.http[0].delegate.name", "required"},
    {"delegate bad namespace", vs("  http:\n  - delegate: {name: child, namespace: Ns_2}\n"),
     "spec.http[0].delegate.namespace", "invalid namespace \"Ns_2\""},
    {"retry backoff below 1ms", http("    retries: {attempts: 2, backoff: 0s}\n"),
     "spec.http[0].retries.backoff", "1ms"},
    {"retryIgnorePreviousHosts not a bool",
     http("    retries: {attempts: 2, retryIgnorePreviousHosts: sometimes}\n"),
     "spec.http[0].retries.retryIgnorePreviousHosts", "expected"},
    {"redirect port and derivePort",
     vs("  http:\n  - redirect: {port: 8080, derivePort: FROM_REQUEST_PORT}\n"),
     "spec.http[0].redirect.derivePort", "only one of port and derivePort"},
    {"redirect derivePort unknown", vs("  http:\n  - redirect: {derivePort: FROM_HEADER}\n"),
     "spec.http[0].redirect.derivePort", "unknown value \"FROM_HEADER\""},
    {"redirect bad scheme", vs("  http:\n  - redirect: {scheme: ftp}\n"),
     "spec.http[0].redirect.scheme", "must be \"http\" or \"https\""},
    {"redirect that changes nothing", vs("  http:\n  - redirect: {redirectCode: 301}\n"),
     "spec.http[0].redirect", "redirect must set uri, authority, scheme, port or derivePort"},
    {"direct response body string and bytes",
     vs("  http:\n  - directResponse: {status: 200, body: {string: a, bytes: YQ==}}\n"),
     "spec.http[0].directResponse.body.bytes", "only one of string and bytes"},
    {"direct response bad base64",
     vs("  http:\n  - directResponse: {status: 200, body: {bytes: \"%%\"}}\n"),
     "spec.http[0].directResponse.body.bytes", "invalid base64"},
    {"TLS route without match", vs("  tls:\n  - route: [{destination: {host: reviews}}]\n"),
     "spec.tls[0].match", "at least one match"},
    {"TLS match without sniHosts",
     vs("  tls:\n  - match: [{port: 443}]\n    route: [{destination: {host: reviews}}]\n"),
     "spec.tls[0].match[0].sniHosts", "at least one SNI host is required"},
    {"TLS sni host outside the hosts",
     vs("  tls:\n  - match: [{sniHosts: [other.com]}]\n    route: [{destination: {host: "
        "reviews}}]\n"),
     "spec.tls[0].match[0].sniHosts[0]", "not within any of the VirtualService's hosts"},
    {"TLS sni host malformed",
     vs("  tls:\n  - match: [{sniHosts: [\"a.*.example.com\"]}]\n"
        "    route: [{destination: {host: reviews}}]\n"),
     "spec.tls[0].match[0].sniHosts[0]", "wildcard"},
    {"TLS bad destination subnet",
     vs("  tls:\n  - match: [{sniHosts: [a.example.com], destinationSubnets: [10.0.0.0/40]}]\n"
        "    route: [{destination: {host: reviews}}]\n"),
     "spec.tls[0].match[0].destinationSubnets[0]", "not an IP address or CIDR"},
    {"TLS match port out of range",
     vs("  tls:\n  - match: [{sniHosts: [reviews], port: 70000}]\n"
        "    route: [{destination: {host: reviews}}]\n"),
     "spec.tls[0].match[0].port", "between 1 and 65535"},
    {"TLS route without destinations", vs("  tls:\n  - match: [{sniHosts: [reviews]}]\n"),
     "spec.tls[0].route", "at least one destination is required"},
    {"TLS weights not 100",
     vs("  tls:\n  - match: [{sniHosts: [reviews]}]\n    route:\n"
        "    - {destination: {host: a}, weight: 50}\n    - {destination: {host: b}, weight: 20}\n"),
     "spec.tls[0].route", "weights sum to 70, must be 100"},
};

TEST(VirtualServiceFields, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kCases) expect_invalid(c);
}

TEST(VirtualServiceFields, WildcardSniHostsWithinWildcardHosts) {
  const auto v = parse_valid<VirtualService>(
      vs("  tls:\n  - match: [{sniHosts: [\"*.example.com\", \"*.a.example.com\", a.example.com, "
         "reviews]}]\n    route: [{destination: {host: reviews}}]\n"));
  EXPECT_EQ(v.tls.at(0).match.at(0).sni_hosts.size(), 4u);
}

TEST(VirtualServiceFields, AllErrorsOfARouteAreReported) {
  ParseResult r = parse_and_validate(
      http("    fault: {abort: {httpStatus: 99}, delay: {fixedDelay: 0s}}\n"
           "    corsPolicy: {allowMethods: [FETCH]}\n    mirror: {host: \"*\"}\n"),
      "all.yaml");
  EXPECT_TRUE(r.objects.empty());
  std::vector<std::string> fields;
  for (const auto& e : r.errors) fields.push_back(e.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{
                "spec.http[0].fault.delay.fixedDelay", "spec.http[0].fault.abort.httpStatus",
                "spec.http[0].corsPolicy.allowMethods[0]", "spec.http[0].mirror.host"}));
}

}  // namespace
}  // namespace jib::mesh
