#include "mesh/api/authorization_policy.h"

#include <gtest/gtest.h>

#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;
using Action = AuthorizationPolicy::Action;
using Strings = std::vector<std::string>;

// Every Source, Operation and Condition field of the reference docs, with a selector.
constexpr const char* kAllowYaml = R"(apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
  annotations:
    istio.io/dry-run: "true"
spec:
  selector:
    matchLabels:
      app: httpbin
      version: v1
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
        notPrincipals: ["cluster.local/ns/default/sa/evil*"]
        requestPrincipals: ["issuer.example.com/*"]
        notRequestPrincipals: ["*/banned"]
        namespaces: ["test", "prod-*"]
        notNamespaces: ["kube-system"]
        ipBlocks: ["203.0.113.4", "10.0.0.0/8"]
        notIpBlocks: ["10.1.0.0/16"]
        remoteIpBlocks: ["2001:db8::/32"]
        notRemoteIpBlocks: ["2001:db8::1"]
    - source:
        serviceAccounts: ["default/sleep"]
        notServiceAccounts: ["default/curl"]
    to:
    - operation:
        hosts: ["*.example.com"]
        notHosts: ["admin.example.com"]
        ports: ["8080"]
        notPorts: ["15000"]
        methods: ["GET", "HEAD"]
        notMethods: ["DELETE"]
        paths: ["/info*", "/api/{*}/items/{**}"]
        notPaths: ["*/secret"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
    - key: request.headers[User-Agent]
      notValues: ["curl*"]
    - key: source.ip
      values: ["10.0.0.0/8"]
    - key: destination.port
      values: ["8080"]
    - key: request.auth.claims[nested][key]
      values: ["v"]
    - key: experimental.envoy.filters.network.mysql_proxy[db.table]
      values: ["[update]"]
  - {}
)";

constexpr const char* kAllowJson = R"({
  "apiVersion": "security.istio.io/v1beta1", "kind": "AuthorizationPolicy",
  "metadata": {"name": "httpbin", "namespace": "foo", "annotations": {"istio.io/dry-run": "true"}},
  "spec": {
    "selector": {"matchLabels": {"app": "httpbin", "version": "v1"}},
    "action": "ALLOW",
    "rules": [{
      "from": [
        {"source": {
          "principals": ["cluster.local/ns/default/sa/sleep"],
          "notPrincipals": ["cluster.local/ns/default/sa/evil*"],
          "requestPrincipals": ["issuer.example.com/*"],
          "notRequestPrincipals": ["*/banned"],
          "namespaces": ["test", "prod-*"], "notNamespaces": ["kube-system"],
          "ipBlocks": ["203.0.113.4", "10.0.0.0/8"], "notIpBlocks": ["10.1.0.0/16"],
          "remoteIpBlocks": ["2001:db8::/32"], "notRemoteIpBlocks": ["2001:db8::1"]}},
        {"source": {"serviceAccounts": ["default/sleep"], "notServiceAccounts": ["default/curl"]}}
      ],
      "to": [{"operation": {
        "hosts": ["*.example.com"], "notHosts": ["admin.example.com"],
        "ports": ["8080"], "notPorts": ["15000"],
        "methods": ["GET", "HEAD"], "notMethods": ["DELETE"],
        "paths": ["/info*", "/api/{*}/items/{**}"], "notPaths": ["*/secret"]}}],
      "when": [
        {"key": "request.auth.claims[iss]", "values": ["https://accounts.google.com"]},
        {"key": "request.headers[User-Agent]", "notValues": ["curl*"]},
        {"key": "source.ip", "values": ["10.0.0.0/8"]},
        {"key": "destination.port", "values": ["8080"]},
        {"key": "request.auth.claims[nested][key]", "values": ["v"]},
        {"key": "experimental.envoy.filters.network.mysql_proxy[db.table]", "values": ["[update]"]}
      ]}, {}]
  }
})";

// The CUSTOM action with its provider, scoped by targetRef.
constexpr const char* kCustomYaml = R"(apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext-authz, namespace: istio-system}
spec:
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: ingress
  action: CUSTOM
  provider:
    name: my-custom-authz
  rules:
  - to:
    - operation:
        paths: ["/admin/*"]
)";

TEST(AuthorizationPolicy, EveryDocumentedFieldParses) {
  auto ap = parse_valid<AuthorizationPolicy>(kAllowYaml);
  EXPECT_EQ(ap.meta.annotations.at("istio.io/dry-run"), "true");
  EXPECT_EQ(ap.action, Action::kAllow);
  ASSERT_EQ(ap.rules.size(), 2u);
  const auto& rule = ap.rules[0];
  ASSERT_TRUE(rule.from.has_value());
  ASSERT_EQ(rule.from->size(), 2u);
  const auto& s = *(*rule.from)[0].source;
  EXPECT_EQ(s.principals, Strings{"cluster.local/ns/default/sa/sleep"});
  EXPECT_EQ(s.not_principals, Strings{"cluster.local/ns/default/sa/evil*"});
  EXPECT_EQ(s.request_principals, Strings{"issuer.example.com/*"});
  EXPECT_EQ(s.not_request_principals, Strings{"*/banned"});
  EXPECT_EQ(s.namespaces, (Strings{"test", "prod-*"}));
  EXPECT_EQ(s.not_namespaces, Strings{"kube-system"});
  EXPECT_EQ(s.ip_blocks, (Strings{"203.0.113.4", "10.0.0.0/8"}));
  EXPECT_EQ(s.not_ip_blocks, Strings{"10.1.0.0/16"});
  EXPECT_EQ(s.remote_ip_blocks, Strings{"2001:db8::/32"});
  EXPECT_EQ(s.not_remote_ip_blocks, Strings{"2001:db8::1"});
  const auto& s2 = *(*rule.from)[1].source;
  EXPECT_EQ(s2.service_accounts, Strings{"default/sleep"});
  EXPECT_EQ(s2.not_service_accounts, Strings{"default/curl"});
  ASSERT_TRUE(rule.to.has_value());
  const auto& op = *(*rule.to)[0].operation;
  EXPECT_EQ(op.hosts, Strings{"*.example.com"});
  EXPECT_EQ(op.not_hosts, Strings{"admin.example.com"});
  EXPECT_EQ(op.ports, Strings{"8080"});
  EXPECT_EQ(op.not_ports, Strings{"15000"});
  EXPECT_EQ(op.methods, (Strings{"GET", "HEAD"}));
  EXPECT_EQ(op.not_methods, Strings{"DELETE"});
  EXPECT_EQ(op.paths, (Strings{"/info*", "/api/{*}/items/{**}"}));
  EXPECT_EQ(op.not_paths, Strings{"*/secret"});
  ASSERT_EQ(rule.when.size(), 6u);
  EXPECT_EQ(rule.when[0].key, "request.auth.claims[iss]");
  EXPECT_EQ(rule.when[1].not_values, Strings{"curl*"});
  // An empty rule matches everything and is kept as such.
  EXPECT_EQ(ap.rules[1], AuthorizationRule{});
}

TEST(AuthorizationPolicy, CustomActionWithProviderAndTargetRef) {
  auto ap = parse_valid<AuthorizationPolicy>(kCustomYaml);
  EXPECT_EQ(ap.action, Action::kCustom);
  ASSERT_TRUE(ap.provider.has_value());
  EXPECT_EQ(ap.provider->name, "my-custom-authz");
  ASSERT_TRUE(ap.scope.target_ref.has_value());
  EXPECT_EQ(ap.scope.target_ref->name, "ingress");
}

TEST(AuthorizationPolicy, DenyAndAuditAndTargetRefs) {
  auto deny = parse_valid<AuthorizationPolicy>(R"(apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: foo}
spec:
  targetRefs:
  - {kind: Service, group: "", name: reviews}
  - {kind: ServiceEntry, group: networking.istio.io, name: ext}
  action: DENY
  rules:
  - from: [{source: {notNamespaces: [foo]}}]
)");
  EXPECT_EQ(deny.action, Action::kDeny);
  EXPECT_EQ(deny.scope.target_refs.size(), 2u);
  auto audit = parse_valid<AuthorizationPolicy>(R"(apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: audit, namespace: foo}
spec:
  action: AUDIT
  rules:
  - to: [{operation: {paths: ["/data"]}}]
)");
  EXPECT_EQ(audit.action, Action::kAudit);
}

TEST(AuthorizationPolicy, AllowNothingIsValid) {
  // The documented idiom: ALLOW with no rules denies every request.
  auto ap = parse_valid<AuthorizationPolicy>(
      "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
      "metadata: {name: allow-nothing, namespace: foo}\nspec: {}\n");
  EXPECT_TRUE(ap.rules.empty());
}

TEST(AuthorizationPolicy, DenyWithoutRulesIsAWarning) {
  auto r = parse_and_validate(
      "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
      "metadata: {name: d, namespace: foo}\nspec:\n  action: DENY\n",
      "d.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.objects.size(), 1u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].field, "spec.rules");
  EXPECT_NE(r.warnings[0].message.find("never matches"), std::string::npos);
}

TEST(AuthorizationPolicy, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<AuthorizationPolicy>(kAllowYaml),
            parse_valid<AuthorizationPolicy>(kAllowJson, "fixture.json"));
}

std::string ap(const std::string& spec) {
  return testing::object_yaml("security.istio.io/v1", "AuthorizationPolicy", "ap", "foo", spec);
}

const InvalidCase kCases[] = {
    {"CUSTOM without provider", ap("spec:\n  action: CUSTOM\n  rules: [{}]\n"),
     "spec.provider.name", "required when action is CUSTOM"},
    {"CUSTOM without rules", ap("spec:\n  action: CUSTOM\n  provider: {name: ext}\n"), "spec.rules",
     "CUSTOM action without rules never matches"},
    {"provider with ALLOW", ap("spec:\n  action: ALLOW\n  provider: {name: ext}\n  rules: [{}]\n"),
     "spec.provider", "only allowed when action is CUSTOM"},
    {"CUSTOM with principals",
     ap("spec:\n  action: CUSTOM\n  provider: {name: ext}\n  rules:\n  - from: [{source: "
        "{principals: [a]}}]\n"),
     "spec.rules[0].from[0].source.principals", "not supported with the CUSTOM action"},
    {"CUSTOM with request.auth condition",
     ap("spec:\n  action: CUSTOM\n  provider: {name: ext}\n  rules:\n  - when: [{key: "
        "request.auth.principal, values: [a]}]\n"),
     "spec.rules[0].when[0].key", "request.auth.principal is not supported with the CUSTOM"},
    {"unknown action", ap("spec:\n  action: REJECT\n"), "spec.action",
     "unknown value \"REJECT\" (expected one of ALLOW, DENY, AUDIT, CUSTOM)"},
    {"empty from list", ap("spec:\n  rules:\n  - from: []\n"), "spec.rules[0].from",
     "must not be an empty list"},
    {"from without source", ap("spec:\n  rules:\n  - from: [{}]\n"), "spec.rules[0].from[0].source",
     "required"},
    {"empty source", ap("spec:\n  rules:\n  - from: [{source: {}}]\n"),
     "spec.rules[0].from[0].source", "must set at least one field"},
    {"empty operation", ap("spec:\n  rules:\n  - to: [{operation: {}}]\n"),
     "spec.rules[0].to[0].operation", "must set at least one field"},
    {"bad ipBlock", ap("spec:\n  rules:\n  - from: [{source: {ipBlocks: [10.0.0.0/33]}}]\n"),
     "spec.rules[0].from[0].source.ipBlocks[0]", "is not an IP address or CIDR block"},
    {"bad remoteIpBlock",
     ap("spec:\n  rules:\n  - from: [{source: {notRemoteIpBlocks: [example.com]}}]\n"),
     "spec.rules[0].from[0].source.notRemoteIpBlocks[0]", "is not an IP address or CIDR block"},
    {"port not a number", ap("spec:\n  rules:\n  - to: [{operation: {ports: [http]}}]\n"),
     "spec.rules[0].to[0].operation.ports[0]", "\"http\" is not a port number"},
    {"port 0", ap("spec:\n  rules:\n  - to: [{operation: {notPorts: [\"0\"]}}]\n"),
     "spec.rules[0].to[0].operation.notPorts[0]", "between 1 and 65535"},
    {"wildcard in the middle of a path",
     ap("spec:\n  rules:\n  - to: [{operation: {paths: [\"/api/*/items\"]}}]\n"),
     "spec.rules[0].to[0].operation.paths[0]", "'*' is only allowed as the whole value"},
    {"operator after {**}",
     ap("spec:\n  rules:\n  - to: [{operation: {paths: [\"/api/{**}/items/{*}\"]}}]\n"),
     "spec.rules[0].to[0].operation.paths[0]", "{**} must be the last operator"},
    {"path template without a leading slash",
     ap("spec:\n  rules:\n  - to: [{operation: {notPaths: [\"api/{*}\"]}}]\n"),
     "spec.rules[0].to[0].operation.notPaths[0]",
     "invalid path template \"api/{*}\": a path template must start with '/'"},
    {"'*' in a path template",
     ap("spec:\n  rules:\n  - to: [{operation: {paths: [\"/api/*/{**}\"]}}]\n"),
     "spec.rules[0].to[0].operation.paths[0]", "segment \"*\" has '*'"},
    {"wildcards on both sides of a host",
     ap("spec:\n  rules:\n  - to: [{operation: {hosts: [\"*.example.*\"]}}]\n"),
     "spec.rules[0].to[0].operation.hosts[0]", "'*' is only allowed"},
    {"empty method", ap("spec:\n  rules:\n  - to: [{operation: {methods: [\"\"]}}]\n"),
     "spec.rules[0].to[0].operation.methods[0]", "must not be empty"},
    {"bad namespace", ap("spec:\n  rules:\n  - from: [{source: {namespaces: [Prod_NS]}}]\n"),
     "spec.rules[0].from[0].source.namespaces[0]", "cannot be a namespace name"},
    {"bad principal wildcard",
     ap("spec:\n  rules:\n  - from: [{source: {principals: [\"cluster.local/ns/*/sa/x\"]}}]\n"),
     "spec.rules[0].from[0].source.principals[0]", "'*' is only allowed"},
    {"serviceAccounts with principals",
     ap("spec:\n  rules:\n  - from: [{source: {serviceAccounts: [default/a], principals: "
        "[x]}}]\n"),
     "spec.rules[0].from[0].source.serviceAccounts",
     "cannot be set together with principals or namespaces"},
    {"serviceAccount without namespace",
     ap("spec:\n  rules:\n  - from: [{source: {serviceAccounts: [sleep]}}]\n"),
     "spec.rules[0].from[0].source.serviceAccounts[0]", "<namespace>/<service account>"},
    {"unknown when key", ap("spec:\n  rules:\n  - when: [{key: request.method, values: [GET]}]\n"),
     "spec.rules[0].when[0].key", "unknown attribute \"request.method\""},
    {"header key without brackets",
     ap("spec:\n  rules:\n  - when: [{key: request.headers, values: [a]}]\n"),
     "spec.rules[0].when[0].key", "must name a key in brackets"},
    {"when without values", ap("spec:\n  rules:\n  - when: [{key: source.namespace}]\n"),
     "spec.rules[0].when[0]", "at least one of values and notValues is required"},
    {"when without key", ap("spec:\n  rules:\n  - when: [{values: [a]}]\n"),
     "spec.rules[0].when[0].key", "required"},
    {"when source.ip not an IP",
     ap("spec:\n  rules:\n  - when: [{key: source.ip, values: [not-an-ip]}]\n"),
     "spec.rules[0].when[0].values[0]", "is not an IP address or CIDR block"},
    {"when destination.port not a port",
     ap("spec:\n  rules:\n  - when: [{key: destination.port, notValues: [\"99999\"]}]\n"),
     "spec.rules[0].when[0].notValues[0]", "between 1 and 65535"},
    {"selector and targetRefs",
     ap("spec:\n  selector: {matchLabels: {app: a}}\n  targetRefs: [{kind: Gateway, group: "
        "gateway.networking.k8s.io, name: gw}]\n"),
     "spec.selector", "only one of selector, targetRef and targetRefs"},
    {"targetRef without name",
     ap("spec:\n  targetRef: {kind: Gateway, group: gateway.networking.k8s.io}\n"),
     "spec.targetRef.name", "required"},
    {"empty selector key", ap("spec:\n  selector: {matchLabels: {\"\": a}}\n"),
     "spec.selector.matchLabels.", "label key must not be empty"},
};

TEST(AuthorizationPolicy, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kCases) expect_invalid(c);
}

// Istio's templates: text may follow {**}, a trailing '/' is kept (mesh/api/path_template.h).
TEST(AuthorizationPolicy, PathTemplatesAsIstioTakesThem) {
  auto r = parse_and_validate(ap("spec:\n  rules:\n  - to: [{operation: {paths: "
                                 "[\"/api/{**}/items\", \"/admin/{*}/\"], notPaths: "
                                 "[\"/{*}/a=b/{**}\"]}}]\n"),
                              "ap.yaml");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front().str();
  EXPECT_EQ(r.objects.size(), 1u);
}

TEST(AuthorizationPolicy, AllErrorsOfAnObjectAreReportedWithLines) {
  auto r = parse_and_validate(ap(R"(spec:
  action: CUSTOM
  rules:
  - from:
    - source:
        ipBlocks: [1.2.3.4/40]
    to:
    - operation:
        ports: ["x"]
)"),
                              "ap.yaml");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].str(),
            "ap.yaml:5: AuthorizationPolicy foo/ap: spec.provider.name: required when action is "
            "CUSTOM");
  EXPECT_EQ(r.errors[1].str(),
            "ap.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.ipBlocks[0]: "
            "\"1.2.3.4/40\" is not an IP address or CIDR block");
  EXPECT_EQ(r.errors[2].line, 12);
}

}  // namespace
}  // namespace jib::mesh
