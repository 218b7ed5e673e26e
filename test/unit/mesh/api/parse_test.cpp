#include "mesh/api/parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;

template <typename T>
const T& only(const ParseResult& r) {
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].str());
  EXPECT_EQ(r.objects.size(), 1u);
  return std::get<T>(r.objects.at(0));
}

int line_count(std::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

constexpr const char* kServiceEntry = R"(
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata:
  name: external-api
  namespace: shop
  labels: {team: payments}
  annotations: {note: hi}
  resourceVersion: "42"
spec:
  hosts: [api.example.com, "*.api.example.com"]
  addresses: [10.1.0.0/16]
  ports:
  - number: 443
    name: https
    protocol: tls
    targetPort: 8443
  - {number: 80, name: http, protocol: HTTP}
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - address: 10.1.0.5
    ports: {https: 9443}
    labels: {version: v1}
    network: net1
    locality: us-east1/a
    weight: 3
    serviceAccount: api-sa
  exportTo: [".", shop]
  subjectAltNames: ["spiffe://cluster.local/ns/shop/sa/api"]
)";

TEST(ParseServiceEntry, ReadsEveryField) {
  auto r = parse_yaml(kServiceEntry, "se.yaml");
  const auto& se = only<ServiceEntry>(r);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(se.meta.name, "external-api");
  EXPECT_EQ(se.meta.ns, "shop");
  EXPECT_EQ(se.meta.labels.at("team"), "payments");
  EXPECT_EQ(se.meta.annotations.at("note"), "hi");
  EXPECT_EQ(se.meta.resource_version, "42");
  EXPECT_EQ(se.meta.source.file, "se.yaml");
  EXPECT_EQ(se.meta.source.line, 2);
  EXPECT_EQ(se.hosts, (std::vector<std::string>{"api.example.com", "*.api.example.com"}));
  EXPECT_EQ(se.addresses, std::vector<std::string>{"10.1.0.0/16"});
  ASSERT_EQ(se.ports.size(), 2u);
  EXPECT_EQ(se.ports[0], (ServicePort{443, "TLS", "https", 8443}));
  EXPECT_EQ(se.ports[1], (ServicePort{80, "HTTP", "http", 0}));
  EXPECT_EQ(se.location, ServiceEntry::Location::kMeshInternal);
  EXPECT_EQ(se.resolution, ServiceEntry::Resolution::kStatic);
  ASSERT_EQ(se.endpoints.size(), 1u);
  const auto& ep = se.endpoints[0];
  EXPECT_EQ(ep.address, "10.1.0.5");
  EXPECT_EQ(ep.ports.at("https"), 9443u);
  EXPECT_EQ(ep.labels.at("version"), "v1");
  EXPECT_EQ(ep.network, "net1");
  EXPECT_EQ(ep.locality, "us-east1/a");
  EXPECT_EQ(ep.weight, 3u);
  EXPECT_EQ(ep.service_account, "api-sa");
  EXPECT_EQ(se.export_to, (std::vector<std::string>{".", "shop"}));
  EXPECT_EQ(se.subject_alt_names.size(), 1u);
  EXPECT_FALSE(se.workload_selector.has_value());
}

TEST(ParseServiceEntry, WorkloadSelectorLabels) {
  auto r = parse_yaml(R"(
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vms}
spec:
  hosts: [vm.internal]
  workloadSelector: {labels: {app: vm}}
  resolution: DNS_ROUND_ROBIN
)",
                      "f");
  const auto& se = only<ServiceEntry>(r);
  EXPECT_EQ(se.meta.ns, "default");
  ASSERT_TRUE(se.workload_selector);
  EXPECT_EQ(se.workload_selector->match_labels, (Labels{{"app", "vm"}}));
  EXPECT_EQ(se.resolution, ServiceEntry::Resolution::kDnsRoundRobin);
}

constexpr const char* kVirtualService = R"y(
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  gateways: [mesh]
  exportTo: ["*"]
  http:
  - name: canary
    match:
    - name: m1
      uri: {prefix: /api}
      scheme: {exact: https}
      method: {regex: "GET|POST"}
      authority: {exact: reviews}
      headers: {x-user: {exact: jason}, x-present: {}}
      queryParams: {debug: {exact: "1"}}
      withoutHeaders: {x-skip: {prefix: y}}
      port: 9080
      sourceLabels: {app: productpage}
      gateways: [mesh]
      ignoreUriCase: true
      sourceNamespace: bookinfo
    route:
    - destination: {host: reviews, subset: v2, port: {number: 9080}}
      weight: 25
      headers: {request: {set: {x-a: "1"}}}
    - destination: {host: reviews, subset: v1}
      weight: 75
    rewrite:
      authority: other
      uriRegexRewrite: {match: "^/api/(.*)", rewrite: "/\\1"}
    timeout: 1.5s
    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,connect-failure", retryRemoteLocalities: true}
    headers:
      request: {add: {x-b: "2"}, remove: [x-c]}
      response: {set: {x-d: "4"}}
  - match: [{uri: {exact: /old}}]
    redirect: {uri: /new, authority: new.example.com, port: 8080, scheme: https, redirectCode: 301}
  - directResponse: {status: 503, body: {string: "unavailable"}}
  - directResponse: {status: 200, body: {bytes: "aGVsbG8="}}
  tcp:
  - match: [{destinationSubnets: [10.0.0.0/8], port: 3306, sourceLabels: {a: b}, gateways: [mesh], sourceNamespace: db}]
    route: [{destination: {host: mysql.db.svc.cluster.local}, weight: 100}]
)y";

TEST(ParseVirtualService, ReadsEveryField) {
  auto r = parse_yaml(kVirtualService, "vs.yaml");
  const auto& vs = only<VirtualService>(r);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.at(0).str();
  EXPECT_EQ(vs.hosts, std::vector<std::string>{"reviews"});
  EXPECT_EQ(vs.gateways, std::vector<std::string>{"mesh"});
  EXPECT_EQ(vs.export_to, std::vector<std::string>{"*"});
  ASSERT_EQ(vs.http.size(), 4u);
  const auto& h = vs.http[0];
  EXPECT_EQ(h.name, "canary");
  ASSERT_EQ(h.match.size(), 1u);
  const auto& m = h.match[0];
  EXPECT_EQ(m.name, "m1");
  EXPECT_EQ(m.uri, StringMatch(PrefixMatch{"/api"}));
  EXPECT_EQ(m.scheme, StringMatch(ExactMatch{"https"}));
  EXPECT_EQ(m.method, StringMatch(RegexMatch{"GET|POST"}));
  EXPECT_EQ(m.authority, StringMatch(ExactMatch{"reviews"}));
  EXPECT_EQ(m.headers.at("x-user"), StringMatch(ExactMatch{"jason"}));
  EXPECT_EQ(m.headers.at("x-present"), StringMatch(PrefixMatch{""}));
  EXPECT_EQ(m.query_params.at("debug"), StringMatch(ExactMatch{"1"}));
  EXPECT_EQ(m.without_headers.at("x-skip"), StringMatch(PrefixMatch{"y"}));
  EXPECT_EQ(m.port, 9080u);
  EXPECT_EQ(m.source_labels, (Labels{{"app", "productpage"}}));
  EXPECT_EQ(m.gateways, std::vector<std::string>{"mesh"});
  EXPECT_TRUE(m.ignore_uri_case);
  EXPECT_EQ(m.source_namespace, "bookinfo");
  ASSERT_EQ(h.route.size(), 2u);
  EXPECT_EQ(h.route[0].destination.host, "reviews");
  EXPECT_EQ(h.route[0].destination.subset, "v2");
  ASSERT_TRUE(h.route[0].destination.port);
  EXPECT_EQ(h.route[0].destination.port->number, 9080u);
  EXPECT_EQ(h.route[0].weight, 25);
  ASSERT_TRUE(h.route[0].headers);
  EXPECT_EQ(h.route[0].headers->request.set.at("x-a"), "1");
  EXPECT_EQ(h.route[1].weight, 75);
  ASSERT_TRUE(h.rewrite);
  EXPECT_EQ(h.rewrite->authority, "other");
  EXPECT_EQ(h.rewrite->uri_regex_match, "^/api/(.*)");
  EXPECT_EQ(h.rewrite->uri_regex_rewrite, "/\\1");
  EXPECT_EQ(h.timeout, Duration(1500ms));
  ASSERT_TRUE(h.retries);
  EXPECT_EQ(h.retries->attempts, 3);
  EXPECT_EQ(h.retries->per_try_timeout, Duration(500ms));
  EXPECT_EQ(h.retries->retry_on, "5xx,connect-failure");
  EXPECT_EQ(h.retries->retry_remote_localities, true);
  ASSERT_TRUE(h.headers);
  EXPECT_EQ(h.headers->request.add.at("x-b"), "2");
  EXPECT_EQ(h.headers->request.remove, std::vector<std::string>{"x-c"});
  EXPECT_EQ(h.headers->response.set.at("x-d"), "4");

  ASSERT_TRUE(vs.http[1].redirect);
  EXPECT_EQ(*vs.http[1].redirect, (HTTPRedirect{"/new", "new.example.com", 8080, "https", 301}));
  ASSERT_TRUE(vs.http[2].direct_response);
  EXPECT_EQ(vs.http[2].direct_response->status, 503u);
  EXPECT_EQ(vs.http[2].direct_response->body, "unavailable");
  EXPECT_EQ(vs.http[3].direct_response->body, "hello");

  ASSERT_EQ(vs.tcp.size(), 1u);
  const auto& t = vs.tcp[0];
  ASSERT_EQ(t.match.size(), 1u);
  EXPECT_EQ(t.match[0].destination_subnets, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(t.match[0].port, 3306u);
  EXPECT_EQ(t.match[0].source_namespace, "db");
  EXPECT_EQ(t.route.at(0).destination.host, "mysql.db.svc.cluster.local");
  EXPECT_EQ(t.route.at(0).weight, 100);
}

constexpr const char* kDestinationRule = R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews.bookinfo.svc.cluster.local
  exportTo: ["."]
  workloadSelector: {matchLabels: {app: client}}
  trafficPolicy:
    loadBalancer: {simple: LEAST_REQUEST}
    tls:
      mode: MUTUAL
      clientCertificate: /etc/certs/cert.pem
      privateKey: /etc/certs/key.pem
      caCertificates: /etc/certs/ca.pem
      subjectAltNames: [reviews.example.com]
      sni: reviews.example.com
      insecureSkipVerify: false
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: ROUND_ROBIN}
      tls: {mode: ISTIO_MUTUAL}
  - name: v3
    labels: {version: v3}
    trafficPolicy: {tls: {mode: SIMPLE, credentialName: reviews-cred}}
)";

TEST(ParseDestinationRule, ReadsEveryField) {
  auto r = parse_yaml(kDestinationRule, "dr.yaml");
  const auto& dr = only<DestinationRule>(r);
  EXPECT_EQ(dr.host, "reviews.bookinfo.svc.cluster.local");
  EXPECT_EQ(dr.export_to, std::vector<std::string>{"."});
  ASSERT_TRUE(dr.workload_selector);
  EXPECT_EQ(dr.workload_selector->match_labels, (Labels{{"app", "client"}}));
  ASSERT_TRUE(dr.traffic_policy && dr.traffic_policy->load_balancer && dr.traffic_policy->tls);
  EXPECT_EQ(dr.traffic_policy->load_balancer->simple, LoadBalancerSettings::Simple::kLeastRequest);
  const auto& tls = *dr.traffic_policy->tls;
  EXPECT_EQ(tls.mode, ClientTLSSettings::Mode::kMutual);
  EXPECT_EQ(tls.client_certificate, "/etc/certs/cert.pem");
  EXPECT_EQ(tls.private_key, "/etc/certs/key.pem");
  EXPECT_EQ(tls.ca_certificates, "/etc/certs/ca.pem");
  EXPECT_EQ(tls.subject_alt_names, std::vector<std::string>{"reviews.example.com"});
  EXPECT_EQ(tls.sni, "reviews.example.com");
  EXPECT_EQ(tls.insecure_skip_verify, false);
  ASSERT_EQ(dr.subsets.size(), 3u);
  EXPECT_EQ(dr.subsets[0].name, "v1");
  EXPECT_EQ(dr.subsets[0].labels, (Labels{{"version", "v1"}}));
  EXPECT_FALSE(dr.subsets[0].traffic_policy);
  ASSERT_TRUE(dr.subsets[1].traffic_policy);
  EXPECT_EQ(dr.subsets[1].traffic_policy->load_balancer->simple,
            LoadBalancerSettings::Simple::kRoundRobin);
  EXPECT_EQ(dr.subsets[1].traffic_policy->tls->mode, ClientTLSSettings::Mode::kIstioMutual);
  EXPECT_EQ(dr.subsets[2].traffic_policy->tls->credential_name, "reviews-cred");
}

TEST(Parse, JsonAndYamlGiveEqualObjects) {
  constexpr const char* kJson = R"y({
  "apiVersion": "networking.istio.io/v1alpha3",
  "kind": "VirtualService",
  "metadata": {"name": "reviews", "namespace": "bookinfo"},
  "spec": {
    "hosts": ["reviews"],
    "gateways": ["mesh"],
    "exportTo": ["*"],
    "http": [
      {
        "name": "canary",
        "match": [{"name": "m1", "uri": {"prefix": "/api"}, "scheme": {"exact": "https"},
                   "method": {"regex": "GET|POST"}, "authority": {"exact": "reviews"},
                   "headers": {"x-user": {"exact": "jason"}, "x-present": {}},
                   "queryParams": {"debug": {"exact": "1"}},
                   "withoutHeaders": {"x-skip": {"prefix": "y"}}, "port": 9080,
                   "sourceLabels": {"app": "productpage"}, "gateways": ["mesh"],
                   "ignoreUriCase": true, "sourceNamespace": "bookinfo"}],
        "route": [
          {"destination": {"host": "reviews", "subset": "v2", "port": {"number": 9080}},
           "weight": 25, "headers": {"request": {"set": {"x-a": "1"}}}},
          {"destination": {"host": "reviews", "subset": "v1"}, "weight": 75}
        ],
        "rewrite": {"authority": "other",
                    "uriRegexRewrite": {"match": "^/api/(.*)", "rewrite": "/\\1"}},
        "timeout": "1.5s",
        "retries": {"attempts": 3, "perTryTimeout": "500ms", "retryOn": "5xx,connect-failure",
                    "retryRemoteLocalities": true},
        "headers": {"request": {"add": {"x-b": "2"}, "remove": ["x-c"]},
                    "response": {"set": {"x-d": "4"}}}
      },
      {"match": [{"uri": {"exact": "/old"}}],
       "redirect": {"uri": "/new", "authority": "new.example.com", "port": 8080,
                    "scheme": "https", "redirectCode": 301}},
      {"directResponse": {"status": 503, "body": {"string": "unavailable"}}},
      {"directResponse": {"status": 200, "body": {"bytes": "aGVsbG8="}}}
    ],
    "tcp": [{"match": [{"destinationSubnets": ["10.0.0.0/8"], "port": 3306,
                        "sourceLabels": {"a": "b"}, "gateways": ["mesh"],
                        "sourceNamespace": "db"}],
             "route": [{"destination": {"host": "mysql.db.svc.cluster.local"}, "weight": 100}]}]
  }
})y";
  auto from_json = parse_yaml(kJson, "vs.json");
  auto from_yaml = parse_yaml(kVirtualService, "vs.yaml");
  auto json_vs = only<VirtualService>(from_json);
  auto yaml_vs = only<VirtualService>(from_yaml);
  EXPECT_NE(json_vs.meta.source, yaml_vs.meta.source);
  json_vs.meta.source = yaml_vs.meta.source = {};
  EXPECT_EQ(json_vs, yaml_vs);
  EXPECT_EQ(json_vs.http.size(), 4u);
}

TEST(Parse, JsonDestinationRuleEqualsYaml) {
  constexpr const char* kJson =
      R"({"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
    "metadata": {"name": "reviews", "namespace": "bookinfo"},
    "spec": {"host": "reviews.bookinfo.svc.cluster.local", "exportTo": ["."],
      "workloadSelector": {"matchLabels": {"app": "client"}},
      "trafficPolicy": {"loadBalancer": {"simple": "LEAST_REQUEST"},
        "tls": {"mode": "MUTUAL", "clientCertificate": "/etc/certs/cert.pem",
                "privateKey": "/etc/certs/key.pem", "caCertificates": "/etc/certs/ca.pem",
                "subjectAltNames": ["reviews.example.com"], "sni": "reviews.example.com",
                "insecureSkipVerify": false}},
      "subsets": [{"name": "v1", "labels": {"version": "v1"}},
        {"name": "v2", "labels": {"version": "v2"},
         "trafficPolicy": {"loadBalancer": {"simple": "ROUND_ROBIN"}, "tls": {"mode": "ISTIO_MUTUAL"}}},
        {"name": "v3", "labels": {"version": "v3"},
         "trafficPolicy": {"tls": {"mode": "SIMPLE", "credentialName": "reviews-cred"}}}]}})";
  auto a = parse_yaml(kJson, "x");
  auto b = parse_yaml(kDestinationRule, "x");
  auto dj = only<DestinationRule>(a);
  auto dy = only<DestinationRule>(b);
  dj.meta.source = dy.meta.source = {};
  EXPECT_EQ(dj, dy);
}

TEST(Parse, JsonWithTabsAndAJsonListOfFields) {
  auto r = parse_yaml(
      "{\n\t\"apiVersion\": \"networking.istio.io/v1\",\n\t\"kind\": "
      "\"DestinationRule\",\n\t\"metadata\": {\"name\": \"d\"},\n\t\"spec\": "
      "{\"host\": \"a.example.com\", \"subsets\": [{\"name\": \"v1\", "
      "\"labels\": {\"version\": \"1\"}}]}\n}\n",
      "tabs.json");
  const auto& dr = only<DestinationRule>(r);
  EXPECT_EQ(dr.host, "a.example.com");
  EXPECT_EQ(dr.subsets.at(0).labels.at("version"), "1");
  EXPECT_EQ(r.lines.at(0).at("spec"), 5);
}

TEST(Parse, UnknownKindWithOddMetadataIsStillOnlyAWarning) {
  auto r =
      parse_yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: just-a-string\n", "cm.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].str(),
            "cm.yaml:2: Deployment: kind: unknown kind Deployment, object ignored");
}

TEST(Parse, MultiDocumentFileKeepsOrderAndLines) {
  auto r = parse_yaml(
      std::string(kServiceEntry) + "---\n" + kDestinationRule + "\n---\n---\n" + kVirtualService,
      "all.yaml");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].str();
  ASSERT_EQ(r.objects.size(), 3u);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(key_of(r.objects[0]), (ConfigKey{"ServiceEntry", "shop", "external-api"}));
  EXPECT_EQ(key_of(r.objects[1]), (ConfigKey{"DestinationRule", "bookinfo", "reviews"}));
  EXPECT_EQ(key_of(r.objects[2]), (ConfigKey{"VirtualService", "bookinfo", "reviews"}));
  const int dr_line = std::get<DestinationRule>(r.objects[1]).meta.source.line;
  // After the ServiceEntry's lines come "---" and the DestinationRule's leading empty line.
  EXPECT_EQ(dr_line, line_count(kServiceEntry) + 3);
  EXPECT_EQ(r.lines[1].at("spec.host"), dr_line + 4);
}

TEST(Parse, UnknownKindsAndFieldsAreWarningsThatNameThem) {
  auto r = parse_yaml(R"(
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d}
spec:
  host: a.example.com
  trafficPolicy:
    fromANewerIstio: {tcp: {maxConnections: 1}}
)",
                      "w.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.objects.size(), 1u);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].message.find("Gateway"), std::string::npos);
  EXPECT_EQ(r.warnings[1].field, "spec.trafficPolicy.fromANewerIstio");
  EXPECT_EQ(r.warnings[1].object, "DestinationRule default/d");
  EXPECT_EQ(r.warnings[1].line, 12);
}

TEST(Parse, TypeErrorsAreAllReportedWithPathAndLine) {
  auto r = parse_yaml(R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: ns}
spec:
  hosts: [a.example.com]
  resolution: SOMETIMES
  location: NOWHERE
  ports:
  - {number: eighty, name: http, protocol: HTTP}
)",
                      "bad.yaml");
  EXPECT_TRUE(r.objects.empty());
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].field, "spec.resolution");
  EXPECT_EQ(r.errors[0].line, 6);
  EXPECT_EQ(r.errors[0].str(),
            "bad.yaml:6: ServiceEntry ns/se: spec.resolution: unknown value \"SOMETIMES\" "
            "(expected one of NONE, STATIC, DNS, DNS_ROUND_ROBIN)");
  EXPECT_EQ(r.errors[1].field, "spec.location");
  EXPECT_EQ(r.errors[2].field, "spec.ports[0].number");
  EXPECT_EQ(r.errors[2].line, 9);
}

TEST(Parse, BadApiVersionAndSyntaxErrors) {
  auto r = parse_yaml("apiVersion: v1\nkind: VirtualService\nmetadata: {name: x}\n", "f.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "apiVersion");
  EXPECT_EQ(r.errors[0].line, 1);

  auto s = parse_yaml("a: [1, 2\nb: c\n", "syntax.yaml");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].file, "syntax.yaml");
  EXPECT_GT(s.errors[0].line, 0);
  EXPECT_TRUE(s.objects.empty());
}

TEST(ParseAndValidate, DropsInvalidObjectsKeepsGoodOnes) {
  auto r = parse_and_validate(std::string(kServiceEntry) + "---\n" + R"(
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: nohost}
spec: {}
)",
                              "mixed.yaml");
  ASSERT_EQ(r.objects.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  // The line of "spec: {}", the nearest field to the missing host.
  const int spec_line = line_count(kServiceEntry) + 6;
  EXPECT_EQ(r.errors[0].str(), "mixed.yaml:" + std::to_string(spec_line) +
                                   ": DestinationRule default/nohost: spec.host: required");
}

}  // namespace
}  // namespace jib::mesh
