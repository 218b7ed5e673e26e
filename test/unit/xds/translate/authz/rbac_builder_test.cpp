// AuthorizationPolicy compiled to Envoy RBAC: names, shapes of each field, TCP rules, dry-run,
// and the filters a workload's inbound chains get.
#include "xds/translate/authz/rbac_builder.h"

#include <gtest/gtest.h>

#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "envoy/extensions/path/match/uri_template/v3/uri_template_match.pb.h"
#include "mesh/api/parse.h"
#include "test/unit/xds/test_support.h"
#include "xds/translate/authz/authz_filters.h"

namespace jib::xds::authz {
namespace {

using mesh::AuthorizationPolicy;
using Action = AuthorizationPolicy::Action;

std::vector<AuthorizationPolicy> parse(const std::string& yaml) {
  auto parsed = mesh::parse_and_validate(yaml, "ap.yaml");
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  std::vector<AuthorizationPolicy> out;
  for (const auto& object : parsed.objects) {
    out.push_back(std::get<AuthorizationPolicy>(object));
  }
  return out;
}

std::vector<const AuthorizationPolicy*> pointers(const std::vector<AuthorizationPolicy>& all) {
  std::vector<const AuthorizationPolicy*> out;
  for (const auto& p : all) out.push_back(&p);
  return out;
}

constexpr const char* kSeed = R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  rules:
  - from:
    - source: {principals: ["cluster.local/ns/default/sa/sleep"]}
    - source: {namespaces: ["test"]}
    to:
    - operation: {methods: ["GET"], paths: ["/info*"]}
    - operation: {methods: ["POST"], paths: ["/data"]}
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
)";

TEST(RbacBuilder, SeedPolicyHasIstiosShape) {
  auto policies = parse(kSeed);
  CompiledRbac rbac = compile_rbac(pointers(policies), Action::kAllow, Protocol::kHttp);
  EXPECT_EQ(rbac.rules.action(), envoy::config::rbac::v3::RBAC::ALLOW);
  ASSERT_EQ(rbac.rules.policies_size(), 1);
  const auto& policy = rbac.rules.policies().at("ns[foo]-policy[httpbin]-rule[0]");
  // Principals: AND(OR(sleep, namespace test), claim iss).
  const auto& ids = policy.principals(0).and_ids().ids();
  ASSERT_EQ(ids.size(), 2);
  const auto& sources = ids[0].or_ids().ids();
  ASSERT_EQ(sources.size(), 2);
  EXPECT_EQ(sources[0].authenticated().principal_name().exact(),
            "spiffe://cluster.local/ns/default/sa/sleep");
  EXPECT_EQ(sources[1].authenticated().principal_name().safe_regex().regex(), ".*/ns/test/.*");
  const auto& claim = ids[1].or_ids().ids(0).metadata();
  EXPECT_EQ(claim.filter(), "envoy.filters.http.jwt_authn");
  EXPECT_EQ(claim.path(0).key(), "payload");
  EXPECT_EQ(claim.path(1).key(), "iss");
  EXPECT_EQ(claim.value().string_match().exact(), "https://accounts.google.com");
  EXPECT_EQ(ids[1].or_ids().ids(1).metadata().value().list_match().one_of().string_match().exact(),
            "https://accounts.google.com");
  // Permissions: OR(AND(GET, /info prefix), AND(POST, /data)).
  const auto& ops = policy.permissions(0).or_rules().rules();
  ASSERT_EQ(ops.size(), 2);
  EXPECT_EQ(ops[0].and_rules().rules(0).header().name(), ":method");
  EXPECT_EQ(ops[0].and_rules().rules(0).header().string_match().exact(), "GET");
  EXPECT_EQ(ops[0].and_rules().rules(1).url_path().path().prefix(), "/info");
  EXPECT_EQ(ops[1].and_rules().rules(1).url_path().path().exact(), "/data");
}

TEST(RbacBuilder, NotFieldsNegateTheAlternatives) {
  auto policies = parse(R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: foo}
spec:
  action: DENY
  rules:
  - from: [{source: {notNamespaces: [foo], ipBlocks: [10.0.0.0/8]}}]
    to: [{operation: {notPaths: ["*/healthz", "/public*"], ports: ["8080"]}}]
)");
  CompiledRbac rbac = compile_rbac(pointers(policies), Action::kDeny, Protocol::kHttp);
  EXPECT_EQ(rbac.rules.action(), envoy::config::rbac::v3::RBAC::DENY);
  const auto& policy = rbac.rules.policies().at("ns[foo]-policy[deny-admin]-rule[0]");
  const auto& ids = policy.principals(0).and_ids().ids();
  ASSERT_EQ(ids.size(), 2);
  EXPECT_EQ(ids[0].not_id().authenticated().principal_name().safe_regex().regex(), ".*/ns/foo/.*");
  EXPECT_EQ(ids[1].direct_remote_ip().address_prefix(), "10.0.0.0");
  EXPECT_EQ(ids[1].direct_remote_ip().prefix_len().value(), 8u);
  const auto& perms = policy.permissions(0).and_rules().rules();
  ASSERT_EQ(perms.size(), 2);
  EXPECT_EQ(perms[0].destination_port(), 8080u);
  const auto& not_paths = perms[1].not_rule().or_rules().rules();
  EXPECT_EQ(not_paths[0].url_path().path().suffix(), "/healthz");
  EXPECT_EQ(not_paths[1].url_path().path().prefix(), "/public");
}

TEST(RbacBuilder, EmptyRulesAllowNothingAndAnEmptyRuleAllowsAll) {
  auto nothing = parse(R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: foo}
spec: {}
)");
  CompiledRbac none = compile_rbac(pointers(nothing), Action::kAllow, Protocol::kHttp);
  EXPECT_TRUE(none.any_enforced);
  EXPECT_EQ(none.rules.policies_size(), 0);  // an ALLOW filter without policies denies all
  auto all = parse(R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: foo}
spec:
  rules: [{}]
)");
  CompiledRbac any = compile_rbac(pointers(all), Action::kAllow, Protocol::kHttp);
  const auto& policy = any.rules.policies().at("ns[foo]-policy[allow-all]-rule[0]");
  EXPECT_TRUE(policy.principals(0).any());
  EXPECT_TRUE(policy.permissions(0).any());
}

// Istio's path templates become Envoy's uri_template matcher as Istio writes it
// (pilot/pkg/security/authz/builder/testdata/http/extended-allow-path-out.yaml); other values,
// "/api/*" too, stay url_path matchers.
TEST(RbacBuilder, PathTemplatesCompileToUriTemplates) {
  auto policies = parse(R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: templates, namespace: foo}
spec:
  rules:
  - to: [{operation: {paths: ["/admin/{*}", "/api/*", "/foo/{*}/bar/{**}"],
                      notPaths: ["/{**}/raw"]}}]
)");
  CompiledRbac rbac = compile_rbac(pointers(policies), Action::kAllow, Protocol::kHttp);
  const auto& rules = rbac.rules.policies()
                          .at("ns[foo]-policy[templates]-rule[0]")
                          .permissions(0)
                          .and_rules()
                          .rules();
  ASSERT_EQ(rules.size(), 2);
  auto path_template = [](const envoy::config::rbac::v3::Permission& p) {
    EXPECT_EQ(p.uri_template().name(), "uri-template");
    envoy::extensions::path::match::uri_template::v3::UriTemplateMatchConfig config;
    EXPECT_TRUE(p.uri_template().typed_config().UnpackTo(&config)) << p.ShortDebugString();
    return config.path_template();
  };
  const auto& paths = rules[0].or_rules().rules();
  ASSERT_EQ(paths.size(), 3);
  EXPECT_EQ(path_template(paths[0]), "/admin/*");
  EXPECT_EQ(paths[1].url_path().path().prefix(), "/api/");
  EXPECT_EQ(path_template(paths[2]), "/foo/*/bar/**");
  EXPECT_EQ(path_template(rules[1].not_rule()), "/**/raw");
  // HTTP only: on TCP the ALLOW rule is dropped.
  EXPECT_EQ(compile_rbac(pointers(policies), Action::kAllow, Protocol::kTcp).dropped.size(), 1u);
}

constexpr const char* kTcpMixed = R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: tcp, namespace: foo}
spec:
  action: %s
  rules:
  - from: [{source: {principals: ["cluster.local/ns/default/sa/sleep"]}}]
  - to: [{operation: {methods: ["GET"], ports: ["9000"]}}]
)";

std::string tcp_policy(const char* action) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, kTcpMixed, action);
  return buffer;
}

TEST(RbacBuilder, TcpDropsAllowRulesThatNeedHttpAndWidensDenyRules) {
  auto allow = parse(tcp_policy("ALLOW"));
  CompiledRbac a = compile_rbac(pointers(allow), Action::kAllow, Protocol::kTcp);
  EXPECT_EQ(a.rules.policies_size(), 1);
  EXPECT_TRUE(a.rules.policies().contains("ns[foo]-policy[tcp]-rule[0]"));
  EXPECT_EQ(a.dropped, std::vector<std::string>{"ns[foo]-policy[tcp]-rule[1]"});
  // The same rules for HTTP keep both.
  EXPECT_EQ(compile_rbac(pointers(allow), Action::kAllow, Protocol::kHttp).rules.policies_size(),
            2);

  auto deny = parse(tcp_policy("DENY"));
  CompiledRbac d = compile_rbac(pointers(deny), Action::kDeny, Protocol::kTcp);
  ASSERT_EQ(d.rules.policies_size(), 2);
  // Without the method, the rule denies the whole port.
  const auto& widened = d.rules.policies().at("ns[foo]-policy[tcp]-rule[1]");
  EXPECT_EQ(widened.permissions(0).destination_port(), 9000u);
}

TEST(RbacBuilder, DryRunPoliciesBecomeShadowRules) {
  auto policies = parse(R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: trial
  namespace: foo
  annotations: {istio.io/dry-run: "true"}
spec:
  action: DENY
  rules: [{to: [{operation: {paths: ["/admin"]}}]}]
)");
  mesh::WorkloadAuthorizationPolicies applied;
  applied.deny = pointers(policies);
  auto filters = rbac_http_filters(applied);
  ASSERT_EQ(filters.size(), 1u);
  envoy::extensions::filters::http::rbac::v3::RBAC config;
  ASSERT_TRUE(filters[0].typed_config().UnpackTo(&config));
  EXPECT_FALSE(config.has_rules());  // nothing enforced
  EXPECT_EQ(config.shadow_rules().policies_size(), 1);
  EXPECT_EQ(config.shadow_rules_stat_prefix(), "istio_dry_run_deny_");
}

TEST(RbacBuilder, FiltersRunDenyThenAllowThenAudit) {
  auto policies = parse(std::string(kSeed) + R"(
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: audit, namespace: foo}
spec:
  action: AUDIT
  rules: [{to: [{operation: {paths: ["/audit"]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: foo}
spec:
  action: DENY
  rules: [{to: [{operation: {paths: ["/deny"]}}]}]
)");
  mesh::WorkloadAuthorizationPolicies applied;
  applied.allow = {&policies[0]};
  applied.audit = {&policies[1]};
  applied.deny = {&policies[2]};
  std::vector<envoy::config::rbac::v3::RBAC::Action> actions;
  for (const auto& filter : rbac_http_filters(applied)) {
    envoy::extensions::filters::http::rbac::v3::RBAC config;
    ASSERT_TRUE(filter.typed_config().UnpackTo(&config));
    actions.push_back(config.rules().action());
  }
  using R = envoy::config::rbac::v3::RBAC;
  EXPECT_EQ(actions, (std::vector<R::Action>{R::DENY, R::ALLOW, R::LOG}));
  EXPECT_TRUE(rbac_http_filters({}).empty());
}

}  // namespace
}  // namespace jib::xds::authz
