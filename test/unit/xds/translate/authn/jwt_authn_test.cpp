// RequestAuthentication in generated config: the jwt_authn filter as Istio builds it (providers,
// token locations, outputs, requirements, key sets inline or fetched) and its place in the
// inbound HTTP chain. The filter's config is read as JSON: C++20 code cannot include the
// generated jwt_authn header (see xds/translate/authn/jwt_authn_config.h).
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "ca/jwt.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "mesh/api/jwks.h"
#include "test/unit/xds/test_support.h"
#include "xds/translate/authn/jwt_authn_filter.h"
#include "xds/translate/generators.h"

namespace jib::xds {
namespace {

using envoy::config::listener::v3::Listener;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using nlohmann::json;
using testing::find;
using testing::state_from_yaml;
using testing::unpack;
using testing::workload;

constexpr const char* kJwks = R"({"keys":[{"kty":"RSA","e":"AQAB","n":"xyz","kid":"k1"}]})";

// Workload b in ns-b with one HTTP ingress port.
constexpr const char* kWorkload = R"(
kind: Sidecar
apiVersion: networking.istio.io/v1
metadata: {namespace: ns-b, name: b}
spec:
  ingress:
  - defaultEndpoint: 127.0.0.1:8080
    port: {name: http, number: 9080, protocol: HTTP}
  workloadSelector: {labels: {app: b}}
)";

Proxy proxy_b() { return workload("ns-b", "127.0.0.3", {{"app", "b"}}); }

std::string request_authentication(const std::string& name, const std::string& ns,
                                   const std::string& rules, const std::string& selector = "") {
  std::string out = "---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\n";
  out += "metadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n";
  if (!selector.empty()) out += "  selector: {matchLabels: {" + selector + "}}\n";
  return out + "  jwtRules:\n" + rules;
}

std::string inline_rule(const std::string& issuer) {
  return "  - issuer: " + issuer + "\n    jwks: '" + kJwks + "'\n";
}

mesh::SnapshotPtr snapshot(const std::string& yaml, mesh::JwksByUri fetched = {}) {
  return mesh::Snapshot::build(state_from_yaml(yaml), nullptr, nullptr,
                               std::make_shared<const mesh::JwksByUri>(std::move(fetched)));
}

// The jwt_authn config for workload b, as JSON (proto field names); null when there is none.
json jwt_config(const mesh::Snapshot& snap) {
  const mesh::PolicyWorkload b{"ns-b", {{"app", "b"}}};
  const Proxy proxy = testing::workload("ns-b", "10.0.0.2", {{"app", "b"}});
  auto filter = authn::jwt_authn_filter(snap.policies().request_authentications(b),
                                        MeshView(snap, proxy));
  if (!filter) return nullptr;
  EXPECT_EQ(filter->name(), "envoy.filters.http.jwt_authn");
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto status = google::protobuf::util::MessageToJsonString(filter->typed_config(), &text, options);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return json::parse(text);
}

std::vector<std::string> http_filter_names(const mesh::Snapshot& snap) {
  auto all = generate_listeners(snap, proxy_b());
  const Resource* r = find(*all, "127.0.0.3_9080");
  if (r == nullptr) {
    ADD_FAILURE() << "no inbound listener 127.0.0.3_9080";
    return {};
  }
  auto listener = unpack<Listener>(*r);
  std::vector<std::string> names;
  for (const auto& chain : listener.filter_chains()) {
    HttpConnectionManager manager;
    EXPECT_TRUE(chain.filters(0).typed_config().UnpackTo(&manager)) << chain.name();
    for (const auto& f : manager.http_filters()) names.push_back(f.name());
    break;  // every chain runs the same filters
  }
  return names;
}

TEST(JwtAuthn, NoFilterWithoutRequestAuthentication) {
  auto snap = snapshot(kWorkload);
  EXPECT_TRUE(jwt_config(*snap).is_null());
  EXPECT_EQ(http_filter_names(*snap), std::vector<std::string>{"envoy.filters.http.router"});
}

TEST(JwtAuthn, FirstInTheChainBeforeAuthorization) {
  auto snap = snapshot(std::string(kWorkload) +
                       request_authentication("jwt", "ns-b", inline_rule("a.example")) + R"(
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: need-jwt, namespace: ns-b}
spec:
  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
)");
  EXPECT_EQ(http_filter_names(*snap),
            (std::vector<std::string>{"envoy.filters.http.jwt_authn", "envoy.filters.http.rbac",
                                      "envoy.filters.http.router"}));
}

TEST(JwtAuthn, ProviderCarriesEveryField) {
  auto snap = snapshot(std::string(kWorkload) + request_authentication("jwt", "ns-b", R"(
  - issuer: https://issuer.example
    audiences: [aud-1, aud-2]
    jwks: '{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"BB"}]}'
    fromHeaders: [{name: x-token, prefix: "Token "}, {name: x-raw}]
    fromParams: [tok]
    fromCookies: [session]
    outputPayloadToHeader: x-payload
    forwardOriginalToken: true
    outputClaimToHeaders: [{header: x-sub, claim: sub}, {header: x-group, claim: group}]
    timeout: 3s
)"));
  json config = jwt_config(*snap);
  ASSERT_TRUE(config.contains("providers")) << config.dump();
  ASSERT_EQ(config["providers"].size(), 1u);
  const json& p = config["providers"]["origins-0"];
  EXPECT_EQ(p["issuer"], "https://issuer.example");
  EXPECT_EQ(p["audiences"], json({"aud-1", "aud-2"}));
  EXPECT_EQ(p["local_jwks"]["inline_string"],
            R"({"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"BB"}]})");
  EXPECT_EQ(p["from_headers"],
            json::parse(R"([{"name":"x-token","value_prefix":"Token "},{"name":"x-raw"}])"));
  EXPECT_EQ(p["from_params"], json({"tok"}));
  EXPECT_EQ(p["from_cookies"], json({"session"}));
  EXPECT_EQ(p["forward_payload_header"], "x-payload");
  EXPECT_EQ(p["forward"], true);
  EXPECT_EQ(p["claim_to_headers"], json::parse(R"([{"header_name":"x-sub","claim_name":"sub"},
                                                    {"header_name":"x-group","claim_name":"group"}])"));
  // Where authorization (xds/translate/authz/rbac_matchers.h) reads the verified payload.
  EXPECT_EQ(p["payload_in_metadata"], "payload");
  EXPECT_EQ(p["normalize_payload_in_metadata"]["space_delimited_claims"],
            json({"permission", "scope"}));
  EXPECT_FALSE(p.contains("remote_jwks"));
  EXPECT_EQ(config["bypass_cors_preflight"], true);
}

TEST(JwtAuthn, DefaultTokenLocationsAreEnvoysOwn) {
  // Envoy's defaults when no location is given are Istio's: Authorization: Bearer, then the
  // access_token query parameter; so none is written.
  auto snap = snapshot(std::string(kWorkload) +
                       request_authentication("jwt", "ns-b", inline_rule("a.example")));
  const json p = jwt_config(*snap)["providers"]["origins-0"];
  EXPECT_FALSE(p.contains("from_headers"));
  EXPECT_FALSE(p.contains("from_params"));
  EXPECT_FALSE(p.contains("from_cookies"));
  EXPECT_FALSE(p.contains("forward"));
}

TEST(JwtAuthn, OneProviderAllowsMissingToken) {
  auto snap = snapshot(std::string(kWorkload) +
                       request_authentication("jwt", "ns-b", inline_rule("a.example")));
  json config = jwt_config(*snap);
  EXPECT_EQ(config["rules"], json::parse(R"([{"match": {"prefix": "/"}, "requires": {
      "requires_any": {"requirements": [{"provider_name": "origins-0"}, {"allow_missing": {}}]}}}])"))
      << config["rules"].dump();
}

TEST(JwtAuthn, SeveralProvidersSortedByIssuerEachOrMissing) {
  // Two policies (a workload one and a namespace one), three rules: providers by issuer.
  auto snap = snapshot(
      std::string(kWorkload) + request_authentication("ns-wide", "ns-b", inline_rule("c.example")) +
      request_authentication("for-b", "ns-b", inline_rule("b.example") + inline_rule("a.example"),
                             "app: b"));
  json config = jwt_config(*snap);
  EXPECT_EQ(config["providers"]["origins-0"]["issuer"], "a.example");
  EXPECT_EQ(config["providers"]["origins-1"]["issuer"], "b.example");
  EXPECT_EQ(config["providers"]["origins-2"]["issuer"], "c.example");
  json or_missing = json::array();
  json any = json::array();
  for (int i = 0; i < 3; ++i) {
    json provider = {{"provider_name", "origins-" + std::to_string(i)}};
    any.push_back(provider);
    or_missing.push_back(
        {{"requires_any", {{"requirements", {provider, {{"allow_missing", json::object()}}}}}}});
  }
  any.push_back({{"requires_all", {{"requirements", or_missing}}}});
  EXPECT_EQ(config["rules"][0]["requires"], json({{"requires_any", {{"requirements", any}}}}))
      << config["rules"].dump();
}

TEST(JwtAuthn, OnlyPoliciesThatSelectTheWorkload) {
  auto other =
      snapshot(std::string(kWorkload) +
               request_authentication("for-c", "ns-b", inline_rule("a.example"), "app: c") +
               request_authentication("other-ns", "ns-c", inline_rule("b.example")));
  EXPECT_TRUE(jwt_config(*other).is_null());
  auto mesh_wide =
      snapshot(std::string(kWorkload) +
               request_authentication("mesh", "istio-system", inline_rule("m.example")));
  EXPECT_EQ(jwt_config(*mesh_wide)["providers"]["origins-0"]["issuer"], "m.example");
}

// One rule whose key set comes from kJwksUri.
constexpr const char* kJwksUri = "http://keys.example/jwks.json";
std::string with_jwks_uri_rule() {
  return std::string(kWorkload) +
         request_authentication(
             "jwt", "ns-b", "  - issuer: a.example\n    jwksUri: " + std::string(kJwksUri) + "\n");
}

TEST(JwtAuthn, JwksUriUsesTheFetchedKeySet) {
  auto fetched = snapshot(with_jwks_uri_rule(), {{kJwksUri, kJwks}});
  json p = jwt_config(*fetched)["providers"]["origins-0"];
  EXPECT_EQ(p["local_jwks"]["inline_string"], kJwks);
  EXPECT_FALSE(p.contains("remote_jwks"));
}

TEST(JwtAuthn, UnfetchedJwksUriRefusesEveryToken) {
  // Fetched for another URI only: this one has not been fetched (or every fetch failed).
  auto snap = snapshot(with_jwks_uri_rule(), {{"http://other.example/jwks.json", kJwks}});
  json p = jwt_config(*snap)["providers"]["origins-0"];
  const std::string jwks = p["local_jwks"]["inline_string"];
  EXPECT_EQ(jwks, authn::unfetched_jwks());
  EXPECT_NE(jwks, kJwks);
}

TEST(JwtAuthn, IssuerAloneUsesTheKeySetFoundByOpenIdDiscovery) {
  const std::string yaml =
      std::string(kWorkload) +
      request_authentication("jwt", "ns-b", "  - issuer: https://idp.example\n");
  auto fetched = snapshot(yaml, {{"https://idp.example/.well-known/openid-configuration", kJwks}});
  EXPECT_EQ(jwt_config(*fetched)["providers"]["origins-0"]["local_jwks"]["inline_string"], kJwks);
  auto unfetched = snapshot(yaml, {});
  EXPECT_EQ(jwt_config(*unfetched)["providers"]["origins-0"]["local_jwks"]["inline_string"],
            authn::unfetched_jwks());
}

TEST(JwtAuthn, UnfetchedJwksIsAWellFormedRsaKey) {
  // Envoy refuses (NACKs) a key set whose RSA key its BoringSSL will not load: it must be a
  // real public key, 2048 bits with an odd modulus, not just any base64url text.
  EXPECT_EQ(mesh::check_jwks(authn::unfetched_jwks()), "");
  std::vector<ca::Jwk> keys;
  std::string error;
  ASSERT_TRUE(ca::parse_jwks(authn::unfetched_jwks(), &keys, &error)) << error;
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].alg, "RS256");
  EXPECT_EQ(EVP_PKEY_get_bits(keys[0].key.get()), 2048);
  BIGNUM* modulus = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(keys[0].key.get(), "n", &modulus), 1);
  EXPECT_TRUE(BN_is_odd(modulus));
  BN_free(modulus);
}

}  // namespace
}  // namespace jib::xds
