// Envoy's RBAC semantics on the filters Jib compiles: policies go through the snapshot and
// rbac_http_filters / rbac_network_filters exactly as for a proxy, and the verdicts are the
// ones Istio documents. The last tests pin single matchers' Envoy behaviour.
#include "xds/envoy_rbac/rbac_evaluator.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "envoy/extensions/path/match/uri_template/v3/uri_template_match.pb.h"
#include "test/unit/xds/test_support.h"
#include "xds/envoy_rbac/rbac_chain.h"
#include "xds/translate/authz/authz_filters.h"

namespace jib::xds::authz {
namespace {

using envoy::config::rbac::v3::Permission;
using envoy::config::rbac::v3::Principal;
using envoy::config::rbac::v3::RBAC;

constexpr const char* kSleep = "spiffe://cluster.local/ns/default/sa/sleep";
constexpr const char* kTestClient = "spiffe://cluster.local/ns/test/sa/client";
constexpr const char* kGoogle = R"({"iss": "https://accounts.google.com", "sub": "u1"})";

// An AuthorizationPolicy in namespace foo; `spec` in YAML flow style.
std::string policy(const std::string& name, const std::string& spec,
                   const std::string& annotations = "{}") {
  return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
         "metadata: {name: " +
         name + ", namespace: foo, annotations: " + annotations + "}\nspec: " + spec + "\n";
}

const std::string kSelector = "selector: {matchLabels: {app: httpbin}}";

// The seed policy.
const std::string kSeedPolicy = policy("httpbin", "{" + kSelector + R"(, action: ALLOW, rules: [{
  from: [{source: {principals: ["cluster.local/ns/default/sa/sleep"]}},
         {source: {namespaces: ["test"]}}],
  to: [{operation: {methods: ["GET"], paths: ["/info*"]}},
       {operation: {methods: ["POST"], paths: ["/data"]}}],
  when: [{key: "request.auth.claims[iss]", values: ["https://accounts.google.com"]}]}]})");

RbacRequest request(const std::string& method, const std::string& path,
                    std::optional<std::string> peer = std::nullopt) {
  RbacRequest r;
  r.headers = {{":method", method}, {":path", path}, {":authority", "httpbin.foo:8000"}};
  r.peer_uri = std::move(peer);
  r.direct_remote_ip = r.remote_ip = "10.0.0.1";
  r.destination_ip = "10.0.1.5";
  r.destination_port = 8000;
  return r;
}

RbacRequest with_token(RbacRequest r, const std::string& payload = kGoogle) {
  EXPECT_TRUE(set_jwt_payload(payload, &r)) << payload;
  return r;
}

// The inbound RBAC filters of workload foo/httpbin (app=httpbin, version=v1).
mesh::WorkloadAuthorizationPolicies applied(const mesh::Snapshot& snapshot) {
  return snapshot.policies().authorization_policies(
      mesh::PolicyWorkload{"foo", {{"app", "httpbin"}, {"version", "v1"}}});
}

// "allow|deny <STAGE>: <policy or 'no match'>", or "allow: none applies".
std::string verdict(const RbacChainResult& r) {
  if (!r.decided_by) return r.allowed ? "allow: none applies" : "deny: undecided?";
  const RbacStageResult& stage = r.stages[*r.decided_by];
  return std::string(r.allowed ? "allow " : "deny ") + std::string(stage_name(stage.action)) +
         ": " + stage.enforced->matched.value_or("no match");
}

std::string check(const std::vector<std::string>& policies, const RbacRequest& r) {
  std::string yaml;
  for (const auto& p : policies) yaml += p + "---\n";
  auto snapshot = testing::snapshot_from_yaml(yaml);
  return verdict(run_rbac_filters(rbac_http_filters(applied(*snapshot)), r));
}

std::string check_tcp(const std::vector<std::string>& policies, const RbacRequest& r) {
  std::string yaml;
  for (const auto& p : policies) yaml += p + "---\n";
  auto snapshot = testing::snapshot_from_yaml(yaml);
  return verdict(run_rbac_filters(rbac_network_filters(applied(*snapshot)), r));
}

constexpr const char* kSeedRule = "ns[foo]-policy[httpbin]-rule[0]";
const std::string kAllowed = std::string("allow ALLOW: ") + kSeedRule;
const std::string kNoMatch = "deny ALLOW: no match";

TEST(RbacEvaluator, SeedPolicyNeedsSourceOperationAndClaim) {
  const std::vector<std::string> seed = {kSeedPolicy};
  EXPECT_EQ(check(seed, with_token(request("GET", "/info", kSleep))), kAllowed);
  EXPECT_EQ(check(seed, with_token(request("GET", "/info/x?y=1", kTestClient))), kAllowed);
  EXPECT_EQ(check(seed, with_token(request("POST", "/data?x=1", kSleep))), kAllowed);
  // `when` belongs to the whole rule: GET /info without the claim is denied too.
  EXPECT_EQ(check(seed, request("GET", "/info", kSleep)), kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/info", kSleep),
                                   R"({"iss": "https://other.example.com"})")),
            kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("POST", "/info", kSleep))), kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/data", kSleep))), kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("POST", "/data/", kSleep))), kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/Info", kSleep))), kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/info",
                                           "spiffe://cluster.local/ns/default/"
                                           "sa/other"))),
            kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/info",
                                           "spiffe://cluster.local/ns/testing/"
                                           "sa/client"))),
            kNoMatch);
  EXPECT_EQ(check(seed, with_token(request("GET", "/info"))), kNoMatch);  // plaintext
}

TEST(RbacEvaluator, DenyRunsFirstAndAuditNeverDenies) {
  const std::string deny = policy(
      "deny-admin",
      "{" + kSelector + R"(, action: DENY, rules: [{to: [{operation: {paths: ["/admin*"]}}]}]})");
  const std::string audit = policy(
      "audit-all",
      "{" + kSelector + R"(, action: AUDIT, rules: [{to: [{operation: {methods: ["GET"]}}]}]})");
  const std::string allow_all = policy("all", "{" + kSelector + ", rules: [{}]}");
  EXPECT_EQ(check({deny}, request("GET", "/admin/x")),
            "deny DENY: ns[foo]-policy[deny-admin]-rule[0]");
  EXPECT_EQ(check({deny}, request("GET", "/info")), "allow: none applies");
  // A DENY match ends the chain: the ALLOW stage that would allow is not reached.
  std::string yaml = deny + "---\n" + allow_all;
  auto snapshot = testing::snapshot_from_yaml(yaml);
  RbacChainResult denied =
      run_rbac_filters(rbac_http_filters(applied(*snapshot)), request("GET", "/admin"));
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.stages.size(), 1u);
  EXPECT_EQ(check({deny, allow_all}, request("GET", "/info")),
            "allow ALLOW: ns[foo]-policy[all]-rule[0]");
  // AUDIT logs what it matches and lets everything through.
  snapshot = testing::snapshot_from_yaml(audit);
  RbacChainResult audited =
      run_rbac_filters(rbac_http_filters(applied(*snapshot)), request("GET", "/info"));
  EXPECT_EQ(verdict(audited), "allow: none applies");
  ASSERT_EQ(audited.stages.size(), 1u);
  EXPECT_EQ(audited.stages[0].action, RBAC::LOG);
  EXPECT_EQ(audited.stages[0].enforced->matched, "ns[foo]-policy[audit-all]-rule[0]");
  EXPECT_EQ(check({audit}, request("POST", "/info")), "allow: none applies");
}

TEST(RbacEvaluator, AllowNothingAndAllowAll) {
  const std::string nothing = policy("allow-nothing", "{" + kSelector + "}");
  const std::string all = policy("allow-all", "{" + kSelector + ", rules: [{}]}");
  EXPECT_EQ(check({nothing}, with_token(request("GET", "/info", kSleep))), kNoMatch);
  EXPECT_EQ(check({all}, request("DELETE", "/anything")),
            "allow ALLOW: ns[foo]-policy[allow-all]-rule[0]");
  // Any ALLOW policy that applies denies what it does not match.
  EXPECT_EQ(check({nothing, all}, request("GET", "/")),
            "allow ALLOW: ns[foo]-policy[allow-all]-rule[0]");
  EXPECT_EQ(check({}, request("GET", "/")), "allow: none applies");
  // A DENY policy without rules denies nothing.
  EXPECT_EQ(
      check({policy("deny-nothing", "{" + kSelector + ", action: DENY}")}, request("GET", "/")),
      "allow: none applies");
  // A policy for other workloads does not apply.
  EXPECT_EQ(check({policy("v2", "{selector: {matchLabels: {version: v2}}}")}, request("GET", "/")),
            "allow: none applies");
}

TEST(RbacEvaluator, DryRunPoliciesNeverDecide) {
  const std::string dry_deny = policy("dry", "{" + kSelector + ", action: DENY, rules: [{}]}",
                                      R"({"istio.io/dry-run": "true"})");
  auto snapshot = testing::snapshot_from_yaml(dry_deny);
  RbacChainResult r = run_rbac_filters(rbac_http_filters(applied(*snapshot)), request("GET", "/"));
  EXPECT_EQ(verdict(r), "allow: none applies");
  ASSERT_EQ(r.stages.size(), 1u);
  EXPECT_FALSE(r.stages[0].enforced);
  ASSERT_TRUE(r.stages[0].shadow);
  EXPECT_FALSE(r.stages[0].shadow->allowed);
  EXPECT_EQ(r.stages[0].shadow->matched, "ns[foo]-policy[dry]-rule[0]");
}

TEST(RbacEvaluator, NotFieldsExclude) {
  const std::string p = policy("not", "{" + kSelector + R"(, rules: [{
    from: [{source: {notPrincipals: ["cluster.local/ns/default/sa/sleep"], notNamespaces: ["prod"]}}],
    to: [{operation: {notMethods: ["DELETE"], notPaths: ["/admin*"]}}],
    when: [{key: "request.headers[x-env]", notValues: ["staging"]}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[not]-rule[0]";
  EXPECT_EQ(check({p}, request("GET", "/info", kTestClient)), ok);
  EXPECT_EQ(check({p}, request("GET", "/info")), ok);  // plaintext: no principal to exclude
  EXPECT_EQ(check({p}, request("GET", "/info", kSleep)), kNoMatch);
  EXPECT_EQ(check({p}, request("GET", "/info", "spiffe://cluster.local/ns/prod/sa/a")), kNoMatch);
  EXPECT_EQ(check({p}, request("DELETE", "/info", kTestClient)), kNoMatch);
  EXPECT_EQ(check({p}, request("GET", "/admin/x", kTestClient)), kNoMatch);
  RbacRequest staging = request("GET", "/info", kTestClient);
  staging.headers.emplace_back("x-env", "staging");
  EXPECT_EQ(check({p}, staging), kNoMatch);
  staging.headers.back().second = "prod";
  EXPECT_EQ(check({p}, staging), ok);
}

TEST(RbacEvaluator, IpBlocks) {
  const std::string p = policy("ips", "{" + kSelector + R"(, rules: [{from: [{source: {
    ipBlocks: ["10.0.0.0/16", "10.128.0.0/9", "192.168.1.7", "fd00::/8"], notIpBlocks: ["10.0.9.0/24"]}}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[ips]-rule[0]";
  auto from = [](const std::string& ip) {
    RbacRequest r = request("GET", "/");
    r.direct_remote_ip = ip;
    r.remote_ip = "203.0.113.9";  // remoteIpBlocks would look here, ipBlocks do not
    return r;
  };
  EXPECT_EQ(check({p}, from("10.0.200.1")), ok);
  EXPECT_EQ(check({p}, from("192.168.1.7")), ok);
  EXPECT_EQ(check({p}, from("10.129.0.1")), ok);
  EXPECT_EQ(check({p}, from("fd12::1")), ok);
  EXPECT_EQ(check({p}, from("10.0.9.3")), kNoMatch);
  EXPECT_EQ(check({p}, from("10.1.0.1")), kNoMatch);
  EXPECT_EQ(check({p}, from("10.64.0.1")), kNoMatch);
  EXPECT_EQ(check({p}, from("192.168.1.8")), kNoMatch);
  EXPECT_EQ(check({p}, from("fe80::1")), kNoMatch);
  const std::string remote = policy("remote", "{" + kSelector + R"(, rules: [{from: [{source: {
    remoteIpBlocks: ["203.0.113.0/24"]}}]}]})");
  EXPECT_EQ(check({remote}, from("10.9.9.9")), "allow ALLOW: ns[foo]-policy[remote]-rule[0]");
  RbacRequest direct = from("203.0.113.9");
  direct.remote_ip = "10.9.9.9";
  EXPECT_EQ(check({remote}, direct), kNoMatch);
}

TEST(RbacEvaluator, PathsAndMethods) {
  const std::string p = policy("paths", "{" + kSelector + R"(, rules: [{to: [{operation: {
    methods: ["GET", "HEAD"], paths: ["/exact", "/prefix/*", "*.png"]}}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[paths]-rule[0]";
  EXPECT_EQ(check({p}, request("GET", "/exact")), ok);
  EXPECT_EQ(check({p}, request("HEAD", "/exact?q=1#f")), ok);
  EXPECT_EQ(check({p}, request("GET", "/prefix/a/b")), ok);
  EXPECT_EQ(check({p}, request("GET", "/img/cat.png")), ok);
  EXPECT_EQ(check({p}, request("GET", "/exact/")), kNoMatch);
  EXPECT_EQ(check({p}, request("GET", "/prefix")), kNoMatch);
  EXPECT_EQ(check({p}, request("GET", "/cat.png.txt")), kNoMatch);
  EXPECT_EQ(check({p}, request("POST", "/exact")), kNoMatch);
  EXPECT_EQ(check({p}, request("get", "/exact")), kNoMatch);  // methods are case-sensitive
  const std::string any =
      policy("any", "{" + kSelector + R"(, rules: [{to: [{operation: {paths: ["*"]}}]}]})");
  EXPECT_EQ(check({any}, request("GET", "/")), "allow ALLOW: ns[foo]-policy[any]-rule[0]");
}

// Istio's path templates in ALLOW and DENY policies: {*} is one segment, {**} the rest.
TEST(RbacEvaluator, PathTemplates) {
  const std::string allow = policy("templates", "{" + kSelector + R"(, rules: [{to: [{operation: {
    paths: ["/admin/{*}", "/api/{**}", "/foo/{*}/bar/{**}"], notPaths: ["/api/{*}/private"]}}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[templates]-rule[0]";
  EXPECT_EQ(check({allow}, request("GET", "/admin/users")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/admin/users?page=2")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/api/")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/api/v1/items/7")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/foo/x/bar/")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/foo/x/bar/a/b")), ok);
  EXPECT_EQ(check({allow}, request("GET", "/admin")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/admin/")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/admin/a/b")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/api")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/api/v1/private")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/foo/x/bar")), kNoMatch);
  EXPECT_EQ(check({allow}, request("GET", "/foo/x/y/bar/z")), kNoMatch);
  const std::string deny = policy("deny-templates", "{" + kSelector + R"(, action: DENY, rules: [{
    to: [{operation: {paths: ["/secret/{*}", "/files/{**}/raw"]}}]}]})");
  const std::string denied = "deny DENY: ns[foo]-policy[deny-templates]-rule[0]";
  EXPECT_EQ(check({deny}, request("GET", "/secret/key")), denied);
  EXPECT_EQ(check({deny}, request("GET", "/files/a/b/raw")), denied);
  EXPECT_EQ(check({deny}, request("GET", "/files//raw")), denied);
  EXPECT_EQ(check({deny}, request("GET", "/secret/a/b")), "allow: none applies");
  EXPECT_EQ(check({deny}, request("GET", "/files/raw")), "allow: none applies");
  EXPECT_EQ(check({deny}, request("GET", "/secret")), "allow: none applies");
}

TEST(RbacEvaluator, ClaimsNestedListsAndRequestPrincipals) {
  const std::string p = policy("claims", "{" + kSelector + R"(, rules: [{when: [
    {key: "request.auth.claims[groups]", values: ["admins"]},
    {key: "request.auth.claims[realm][role]", values: ["owner*"]}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[claims]-rule[0]";
  const RbacRequest r = request("GET", "/");
  EXPECT_EQ(
      check({p}, with_token(r, R"({"groups": ["dev", "admins"], "realm": {"role": "owner-1"}})")),
      ok);
  EXPECT_EQ(check({p}, with_token(r, R"({"groups": "admins", "realm": {"role": "owner"}})")), ok);
  EXPECT_EQ(check({p}, with_token(r, R"({"groups": ["dev"], "realm": {"role": "owner"}})")),
            kNoMatch);
  EXPECT_EQ(check({p}, with_token(r, R"({"groups": ["admins"], "realm": "owner"})")), kNoMatch);
  EXPECT_EQ(check({p}, with_token(r, R"({"groups": ["admins"], "role": "owner"})")), kNoMatch);
  EXPECT_EQ(check({p}, r), kNoMatch);

  const std::string rp = policy("rp", "{" + kSelector + R"(, rules: [{from: [{source: {
    requestPrincipals: ["https://accounts.google.com/u1"]}}]}]})");
  EXPECT_EQ(check({rp}, with_token(r)), "allow ALLOW: ns[foo]-policy[rp]-rule[0]");
  EXPECT_EQ(check({rp}, with_token(r, R"({"iss": "https://accounts.google.com", "sub": "u2"})")),
            kNoMatch);
  const std::string any = policy("anytoken", "{" + kSelector + R"(, rules: [{from: [{source: {
    requestPrincipals: ["*"]}}]}]})");
  EXPECT_EQ(check({any}, with_token(r)), "allow ALLOW: ns[foo]-policy[anytoken]-rule[0]");
  EXPECT_EQ(check({any}, r), kNoMatch);
}

TEST(RbacEvaluator, PrincipalsNamespacesAndServiceAccounts) {
  const std::string p = policy("peers", "{" + kSelector + R"(, rules: [{from: [
    {source: {principals: ["cluster.local/ns/a/sa/exact", "cluster.local/ns/b/*", "*/sa/suffix"]}},
    {source: {namespaces: ["test", "team-*"]}},
    {source: {serviceAccounts: ["c/reader"]}}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[peers]-rule[0]";
  for (const char* peer :
       {"spiffe://cluster.local/ns/a/sa/exact", "spiffe://cluster.local/ns/b/sa/x",
        "spiffe://other.domain/ns/z/sa/suffix", kTestClient,
        "spiffe://cluster.local/ns/team-x/sa/y", "spiffe://td2/ns/c/sa/reader"}) {
    EXPECT_EQ(check({p}, request("GET", "/", peer)), ok) << peer;
  }
  for (const char* peer :
       {"spiffe://cluster.local/ns/a/sa/exact2", "spiffe://cluster.local/ns/bb/sa/x",
        "spiffe://cluster.local/ns/testing/sa/client", "spiffe://cluster.local/ns/c/sa/writer",
        ""}) {
    EXPECT_EQ(check({p}, request("GET", "/", peer)), kNoMatch) << peer;
  }
  const std::string any =
      policy("mtls", "{" + kSelector + R"(, rules: [{from: [{source: {principals: ["*"]}}]}]})");
  EXPECT_EQ(check({any}, request("GET", "/", kSleep)), "allow ALLOW: ns[foo]-policy[mtls]-rule[0]");
  EXPECT_EQ(check({any}, request("GET", "/")), kNoMatch);
}

TEST(RbacEvaluator, ConditionsOnTheSource) {
  const std::string p = policy("cond", "{" + kSelector + R"(, rules: [{when: [
    {key: "source.serviceAccount", values: ["default/sleep"]},
    {key: "source.namespace", values: ["default"]},
    {key: "source.principal", values: ["*/sa/sleep"]}]}]})");
  EXPECT_EQ(check({p}, request("GET", "/", kSleep)), "allow ALLOW: ns[foo]-policy[cond]-rule[0]");
  EXPECT_EQ(check({p}, request("GET", "/", "spiffe://cluster.local/ns/default/sa/other")),
            kNoMatch);
  EXPECT_EQ(check({p}, request("GET", "/")), kNoMatch);
  const std::string sa_only = policy("sa", "{" + kSelector + R"(, rules: [{when: [
    {key: "source.serviceAccount", values: ["default/sleep"]}]}]})");
  EXPECT_EQ(check({sa_only}, request("GET", "/", "spiffe://cluster.local/ns/prod/sa/sleep")),
            kNoMatch);
  EXPECT_EQ(check({sa_only}, request("GET", "/")), kNoMatch);
}

TEST(RbacEvaluator, HostsPortsHeadersAndConnection) {
  const std::string p = policy("conn", "{" + kSelector + R"(, rules: [{
    to: [{operation: {hosts: ["httpbin.foo", "*.example.com"], ports: ["8000"]}}],
    when: [{key: "request.headers[x-user]", values: ["*"]},
           {key: "destination.ip", values: ["10.0.1.0/24"]},
           {key: "connection.sni", values: ["outbound_.8000_._.httpbin.foo.svc.cluster.local"]}]}]})");
  const std::string ok = "allow ALLOW: ns[foo]-policy[conn]-rule[0]";
  RbacRequest r = request("GET", "/");
  r.headers.emplace_back("x-user", "");
  r.requested_server_name = "outbound_.8000_._.httpbin.foo.svc.cluster.local";
  EXPECT_EQ(check({p}, r), ok);
  RbacRequest host = r;
  host.headers[2].second = "API.Example.COM";
  EXPECT_EQ(check({p}, host), ok);
  host.headers[2].second = "httpbin.foo.svc";
  EXPECT_EQ(check({p}, host), kNoMatch);
  RbacRequest port = r;
  port.destination_port = 8001;
  EXPECT_EQ(check({p}, port), kNoMatch);
  RbacRequest no_user = r;
  no_user.headers.pop_back();
  EXPECT_EQ(check({p}, no_user), kNoMatch);
  RbacRequest ip = r;
  ip.destination_ip = "10.0.2.5";
  EXPECT_EQ(check({p}, ip), kNoMatch);
  RbacRequest sni = r;
  sni.requested_server_name.clear();
  EXPECT_EQ(check({p}, sni), kNoMatch);
}

TEST(RbacEvaluator, TcpChainsDropHttpAllowRulesAndWidenDenyRules) {
  const std::string allow_get = policy(
      "get",
      "{" + kSelector +
          R"(, rules: [{from: [{source: {principals: ["*"]}}], to: [{operation: {methods: ["GET"]}}]}]})");
  const std::string deny_admin = policy(
      "deny",
      "{" + kSelector +
          R"(, action: DENY, rules: [{from: [{source: {namespaces: ["prod"]}}], to: [{operation: {paths: ["/admin"]}}]}]})");
  RbacRequest connection;
  connection.peer_uri = "spiffe://cluster.local/ns/prod/sa/x";
  // The only ALLOW rule needs HTTP: on TCP the ALLOW stage has no policy and denies.
  EXPECT_EQ(check_tcp({allow_get}, connection), kNoMatch);
  // The DENY rule loses its path and denies every connection from prod.
  EXPECT_EQ(check_tcp({deny_admin}, connection), "deny DENY: ns[foo]-policy[deny]-rule[0]");
  connection.peer_uri = kSleep;
  EXPECT_EQ(check_tcp({deny_admin}, connection), "allow: none applies");
}

// Envoy's matchers, one at a time.

Principal principal(const std::string& text) {
  Principal id;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &id)) << text;
  return id;
}

TEST(RbacMatchers, HeadersAsEnvoyMatchesThem) {
  RbacRequest r;
  r.headers = {{"X-A", "One"}, {"x-a", "two"}};
  EXPECT_TRUE(matches(principal(R"(header { name: "x-a" string_match { exact: "One,two" } })"), r));
  EXPECT_TRUE(matches(
      principal(R"(header { name: "X-A" string_match { exact: "one,TWO" ignore_case: true } })"),
      r));
  EXPECT_FALSE(
      matches(principal(R"(header { name: "x-a" string_match { exact: "one,two" } })"), r));
  // safe_regex matches the whole value.
  EXPECT_FALSE(matches(
      principal(R"(header { name: "x-a" string_match { safe_regex { regex: "One" } } })"), r));
  EXPECT_TRUE(matches(
      principal(R"(header { name: "x-a" string_match { safe_regex { regex: "One.*" } } })"), r));
  // A missing header matches no value matcher, inverted or not; presence can be negated.
  EXPECT_FALSE(matches(principal(R"(header { name: "x-b" string_match { exact: "" } })"), r));
  EXPECT_FALSE(matches(
      principal(R"(header { name: "x-b" string_match { exact: "v" } invert_match: true })"), r));
  EXPECT_TRUE(matches(
      principal(
          R"(header { name: "x-b" string_match { exact: "" } treat_missing_header_as_empty: true })"),
      r));
  EXPECT_TRUE(matches(principal(R"(header { name: "x-b" present_match: false })"), r));
  EXPECT_TRUE(
      matches(principal(R"(header { name: "x-b" present_match: true invert_match: true })"), r));
  EXPECT_FALSE(matches(principal(R"(header { name: "x-a" present_match: false })"), r));
  EXPECT_TRUE(matches(principal(R"(not_id { header { name: "x-b" present_match: true } })"), r));
}

TEST(RbacMatchers, MetadataAuthenticatedAndUnsupported) {
  RbacRequest r;
  ASSERT_TRUE(set_jwt_payload(R"({"a": {"b": true, "n": null}, "l": ["x", "y"]})", &r));
  EXPECT_FALSE(set_jwt_payload("[1]", &r));
  const std::string md =
      R"(metadata { filter: "envoy.filters.http.jwt_authn" path { key: "payload" } )";
  EXPECT_TRUE(matches(
      principal(md + R"(path { key: "a" } path { key: "b" } value { bool_match: true } })"), r));
  EXPECT_TRUE(matches(
      principal(md + R"(path { key: "a" } path { key: "n" } value { null_match {} } })"), r));
  EXPECT_TRUE(matches(
      principal(md + R"(path { key: "a" } path { key: "n" } value { present_match: true } })"), r));
  EXPECT_FALSE(matches(
      principal(md + R"(path { key: "a" } path { key: "c" } value { present_match: true } })"), r));
  EXPECT_TRUE(matches(
      principal(
          md +
          R"(path { key: "a" } path { key: "c" } value { present_match: true } invert: true })"),
      r));
  EXPECT_TRUE(matches(
      principal(
          md +
          R"(path { key: "l" } value { list_match { one_of { string_match { exact: "y" } } } } })"),
      r));
  EXPECT_FALSE(
      matches(principal(md + R"(path { key: "l" } value { string_match { exact: "y" } } })"), r));

  const Principal authenticated = principal(R"(authenticated {})");
  EXPECT_FALSE(matches(authenticated, r));
  r.peer_uri = kSleep;
  EXPECT_TRUE(matches(authenticated, r));
  EXPECT_TRUE(matches(principal(R"(authenticated { principal_name { suffix: "/sa/sleep" } })"), r));
  EXPECT_FALSE(matches(
      principal(
          R"(authenticated { principal_name { exact: "cluster.local/ns/default/sa/sleep" } })"),
      r));

  EXPECT_THROW(matches(principal(R"(filter_state { key: "k" string_match { exact: "v" } })"), r),
               UnsupportedMatcher);
  Permission uri_template;
  uri_template.mutable_uri_template()->set_name(
      "envoy.path.match.uri_template.uri_template_matcher");
  EXPECT_THROW(matches(uri_template, r), UnsupportedMatcher);
}

Permission uri_template(const std::string& path_template, const std::string& name = "x") {
  Permission p;
  p.mutable_uri_template()->set_name(name);
  envoy::extensions::path::match::uri_template::v3::UriTemplateMatchConfig config;
  config.set_path_template(path_template);
  p.mutable_uri_template()->mutable_typed_config()->PackFrom(config);
  return p;
}

// "template", then the paths it matches and the paths it does not; each seen so on a real
// Envoy 1.36 (RBAC DENY with this uri_template, request by request).
struct TemplateCase {
  std::string path_template;
  std::vector<std::string> matching;
  std::vector<std::string> other;
};

TEST(RbacMatchers, UriTemplatesAsEnvoyMatchesThem) {
  const TemplateCase cases[] = {
      {"/admin/*",
       {"/admin/x", "/admin/x?q=1", "/admin/x#f", "/admin/a=b", "/admin/a*b", "/admin/a%2Fb",
        "/admin/a:b@c", "/admin/a,b;c", "/admin/-._~!$&'()+"},
       {"/admin", "/admin/", "/admin/x/", "/admin/x/y", "/Admin/x", "//admin/x", "/admin//x",
        "/admin/a{b", "/admin/a|b", "/admin/a\"b", "/admin/a[b]", "/admin/a^b"}},
      {"/api/**",
       {"/api/", "/api/x", "/api/x/", "/api/x/y", "/api//x", "/api/?x", "/api/a*b/c"},
       {"/api", "/apix", "/api?x"}},
      {"/foo/*/bar/**",
       {"/foo/x/bar/", "/foo/x/bar/y/z"},
       {"/foo/x/bar", "/foo//bar/", "/foo/x/y/bar/", "/foo/x/barz"}},
      {"/x/**/y", {"/x//y", "/x/a/y", "/x/a/b/y"}, {"/x/y", "/x/a/b/y/", "/x/ay"}},
      {"/*/", {"/a/"}, {"/a", "/a/b/", "//"}},
      {"/**", {"/", "/a", "/a/b", "/?q"}, {}},
      {"/a=b/*", {"/a=b/c"}, {"/a%3Db/c"}},
  };
  for (const auto& c : cases) {
    const Permission p = uri_template(c.path_template);
    for (const auto& path : c.matching) {
      EXPECT_TRUE(matches(p, request("GET", path))) << c.path_template << " " << path;
    }
    for (const auto& path : c.other) {
      EXPECT_FALSE(matches(p, request("GET", path))) << c.path_template << " " << path;
    }
  }
  EXPECT_FALSE(matches(uri_template("/**"), RbacRequest{}));  // no :path (TCP)
  EXPECT_TRUE(matches(uri_template("/a/*", "uri-template"), request("GET", "/a/b")));
  // Templates Envoy refuses, and syntax Jib never sends: no verdict.
  for (const char* refused :
       {"a/*", "//*", "/*//", "/**/**", "/**/*", "/a b/*", "/{x}", "/**.mpd", "/a*b/*"}) {
    EXPECT_THROW(matches(uri_template(refused), request("GET", "/a/b")), UnsupportedMatcher)
        << refused;
  }
  EXPECT_THROW(matches(uri_template("/" + std::string(256, 'a')), request("GET", "/a")),
               UnsupportedMatcher);
}

TEST(RbacMatchers, FirstMatchingPolicyByName) {
  RBAC rbac;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
    action: DENY
    policies { key: "rule[2]" value { permissions { any: true } principals { any: true } } }
    policies { key: "rule[10]" value { permissions { any: true } principals { any: true } } }
    policies { key: "a-none" value { permissions { not_rule { any: true } } principals { any: true } } }
  )",
                                                            &rbac));
  RbacEngineResult r = evaluate(rbac, RbacRequest{});
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.matched, "rule[10]");  // Envoy orders names as strings
  rbac.set_action(RBAC::ALLOW);
  EXPECT_TRUE(evaluate(rbac, RbacRequest{}).allowed);
  rbac.clear_policies();
  EXPECT_FALSE(evaluate(rbac, RbacRequest{}).allowed);
  rbac.set_action(RBAC::LOG);
  EXPECT_TRUE(evaluate(rbac, RbacRequest{}).allowed);
}

}  // namespace
}  // namespace jib::xds::authz
