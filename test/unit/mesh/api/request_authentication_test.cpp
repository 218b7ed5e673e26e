#include "mesh/api/request_authentication.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;

// Every field of the reference docs' RequestAuthentication, over two rules (jwksUri and jwks
// cannot share one).
constexpr const char* kFullYaml = R"(apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: issuer-foo
    audiences: [bookstore_android.apps.example.com, bookstore_web.apps.example.com]
    jwksUri: https://example.com/.well-known/jwks.json
    fromHeaders:
    - name: x-jwt-assertion
      prefix: "Bearer "
    fromParams: [my_token]
    fromCookies: [auth-token]
    outputPayloadToHeader: x-jwt-payload
    forwardOriginalToken: true
    outputClaimToHeaders:
    - header: x-my-company-jwt-group
      claim: my-group
    timeout: 5s
  - issuer: issuer-bar
    jwks: '{"keys":[{"kty":"RSA","kid":"k1","e":"AQAB","n":"xAE7eB6qugXyCAG3yhh7pkDkT65pHymX"}]}'
)";

constexpr const char* kFullJson = R"({"apiVersion": "security.istio.io/v1beta1",
 "kind": "RequestAuthentication",
 "metadata": {"name": "httpbin", "namespace": "foo"},
 "spec": {
  "selector": {"matchLabels": {"app": "httpbin"}},
  "jwtRules": [
   {"issuer": "issuer-foo",
    "audiences": ["bookstore_android.apps.example.com", "bookstore_web.apps.example.com"],
    "jwksUri": "https://example.com/.well-known/jwks.json",
    "fromHeaders": [{"name": "x-jwt-assertion", "prefix": "Bearer "}],
    "fromParams": ["my_token"],
    "fromCookies": ["auth-token"],
    "outputPayloadToHeader": "x-jwt-payload",
    "forwardOriginalToken": true,
    "outputClaimToHeaders": [{"header": "x-my-company-jwt-group", "claim": "my-group"}],
    "timeout": "5s"},
   {"issuer": "issuer-bar",
    "jwks": "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"e\":\"AQAB\",\"n\":\"xAE7eB6qugXyCAG3yhh7pkDkT65pHymX\"}]}"}
  ]}})";

TEST(RequestAuthentication, EveryDocumentedFieldParses) {
  auto ra = parse_valid<RequestAuthentication>(kFullYaml);
  ASSERT_TRUE(ra.scope.selector.has_value());
  EXPECT_EQ(ra.scope.selector->match_labels.at("app"), "httpbin");
  ASSERT_EQ(ra.jwt_rules.size(), 2u);
  const JWTRule& r = ra.jwt_rules[0];
  EXPECT_EQ(r.issuer, "issuer-foo");
  EXPECT_EQ(r.audiences.size(), 2u);
  EXPECT_EQ(r.jwks_uri, "https://example.com/.well-known/jwks.json");
  ASSERT_EQ(r.from_headers.size(), 1u);
  EXPECT_EQ(r.from_headers[0], (JWTHeader{"x-jwt-assertion", "Bearer "}));
  EXPECT_EQ(r.from_params, std::vector<std::string>{"my_token"});
  EXPECT_EQ(r.from_cookies, std::vector<std::string>{"auth-token"});
  EXPECT_EQ(r.output_payload_to_header, "x-jwt-payload");
  EXPECT_TRUE(r.forward_original_token);
  ASSERT_EQ(r.output_claim_to_headers.size(), 1u);
  EXPECT_EQ(r.output_claim_to_headers[0], (ClaimToHeader{"x-my-company-jwt-group", "my-group"}));
  EXPECT_EQ(r.timeout, std::chrono::seconds(5));
  EXPECT_NE(ra.jwt_rules[1].jwks.find("\"kty\":\"RSA\""), std::string::npos);
}

TEST(RequestAuthentication, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<RequestAuthentication>(kFullYaml),
            parse_valid<RequestAuthentication>(kFullJson, "fixture.json"));
}

TEST(RequestAuthentication, TargetRefsAndLegacyJwksUriSpelling) {
  auto ra = parse_valid<RequestAuthentication>(R"(apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: gw, namespace: foo}
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}
  jwtRules:
  - issuer: https://accounts.example.com
    jwks_uri: http://jwks.foo.svc.cluster.local:8080/keys
)");
  ASSERT_EQ(ra.scope.target_refs.size(), 1u);
  EXPECT_EQ(ra.scope.target_refs[0],
            (PolicyTargetReference{"gateway.networking.k8s.io", "Gateway", "waypoint", ""}));
  EXPECT_EQ(ra.jwt_rules[0].jwks_uri, "http://jwks.foo.svc.cluster.local:8080/keys");
}

std::string ra(const std::string& spec) {
  return testing::object_yaml("security.istio.io/v1", "RequestAuthentication", "ra", "foo", spec);
}

const InvalidCase kCases[] = {
    {"missing issuer", ra("spec:\n  jwtRules:\n  - jwksUri: https://example.com/jwks\n"),
     "spec.jwtRules[0].issuer", "required"},
    {"jwks and jwksUri",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    jwksUri: https://example.com/jwks\n"
        "    jwks: '{\"keys\":[{\"kty\":\"oct\",\"k\":\"abc\"}]}'\n"),
     "spec.jwtRules[0].jwks", "only one of jwks and jwksUri can be set"},
    {"jwks not JSON", ra("spec:\n  jwtRules:\n  - issuer: a\n    jwks: '{keys: nope'\n"),
     "spec.jwtRules[0].jwks", "invalid JSON Web Key Set: not valid JSON"},
    {"jwks key without modulus",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    jwks: "
        "'{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\"}]}'\n"),
     "spec.jwtRules[0].jwks", "keys[0]: RSA key needs \"n\""},
    {"jwks unknown key type",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    jwks: '{\"keys\":[{\"kty\":\"DSA\"}]}'\n"),
     "spec.jwtRules[0].jwks", "unsupported key type \"DSA\""},
    {"jwksUri scheme", ra("spec:\n  jwtRules:\n  - issuer: a\n    jwksUri: ftp://example.com/k\n"),
     "spec.jwtRules[0].jwksUri", "scheme \"ftp\" is not supported"},
    {"jwksUri no host", ra("spec:\n  jwtRules:\n  - issuer: a\n    jwksUri: https:///keys\n"),
     "spec.jwtRules[0].jwksUri", "has no host"},
    {"jwksUri bad port",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    jwksUri: https://example.com:99999/k\n"),
     "spec.jwtRules[0].jwksUri", "invalid port \"99999\""},
    {"fromHeaders without name",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    fromHeaders: [{prefix: 'Bearer '}]\n"),
     "spec.jwtRules[0].fromHeaders[0].name", "required"},
    {"fromHeaders bad name",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    fromHeaders: [{name: 'x jwt'}]\n"),
     "spec.jwtRules[0].fromHeaders[0].name", "illegal character"},
    {"outputClaimToHeaders bad header",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    outputClaimToHeaders: [{header: 'x:grp', claim: "
        "g}]\n"),
     "spec.jwtRules[0].outputClaimToHeaders[0].header", "may only have letters, digits"},
    {"outputClaimToHeaders without claim",
     ra("spec:\n  jwtRules:\n  - issuer: a\n    outputClaimToHeaders: [{header: x-grp}]\n"),
     "spec.jwtRules[0].outputClaimToHeaders[0].claim", "required"},
    {"empty audience", ra("spec:\n  jwtRules:\n  - issuer: a\n    audiences: ['']\n"),
     "spec.jwtRules[0].audiences[0]", "must not be empty"},
    {"timeout below 1ms", ra("spec:\n  jwtRules:\n  - issuer: a\n    timeout: 100us\n"),
     "spec.jwtRules[0].timeout", "at least 1ms"},
    {"selector and targetRef",
     ra("spec:\n  selector: {matchLabels: {app: a}}\n  targetRef: {kind: Gateway, group: "
        "gateway.networking.k8s.io, name: gw}\n"),
     "spec.selector", "only one of selector, targetRef and targetRefs can be set"},
    {"targetRef to another namespace",
     ra("spec:\n  targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: gw, "
        "namespace: other}\n"),
     "spec.targetRef.namespace", "cross-namespace references are not supported"},
    {"targetRef of an unsupported kind",
     ra("spec:\n  targetRef: {kind: Deployment, group: apps, name: web}\n"), "spec.targetRef",
     "cannot target apps/Deployment"},
};

TEST(RequestAuthentication, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kCases) expect_invalid(c);
}

TEST(RequestAuthentication, AllErrorsOfAnObjectAreReported) {
  auto r = parse_and_validate(ra(R"(spec:
  jwtRules:
  - jwksUri: ftp://x/k
    fromParams: ['']
  - issuer: b
    fromCookies: ['']
)"),
                              "ra.yaml");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].str(),
            "ra.yaml:6: RequestAuthentication foo/ra: spec.jwtRules[0].issuer: "
            "required");
  EXPECT_EQ(r.errors[1].field, "spec.jwtRules[0].jwksUri");
  EXPECT_EQ(r.errors[1].line, 6);
  EXPECT_EQ(r.errors[2].field, "spec.jwtRules[0].fromParams[0]");
  EXPECT_EQ(r.errors[3].field, "spec.jwtRules[1].fromCookies[0]");
  EXPECT_EQ(r.errors[3].line, 9);
}

}  // namespace
}  // namespace jib::mesh
