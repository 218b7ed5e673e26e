#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <nlohmann/json.hpp>

#include "ca/ca_material.h"
#include "ca/client_cert_authenticator.h"
#include "ca/jwt.h"
#include "ca/jwt_authenticator.h"
#include "ca/root_ca.h"
#include "ca/token_review_authenticator.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;
using Kind = AuthResult::Kind;
using nlohmann::json;

std::string bn_b64(EVP_PKEY* key, const char* param, int pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, param, &bn);
  std::string raw(pad ? pad : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  BN_free(bn);
  return base64url_encode(raw);
}

// Keys made here, published as a JWKS, and tokens signed with OpenSSL like an issuer would.
struct Issuer {
  PkeyPtr ec = generate_key("ec");
  PkeyPtr rsa = generate_key("rsa2048");
  std::string jwks() {
    json keys = json::array();
    keys.push_back({{"kty", "EC"},
                    {"crv", "P-256"},
                    {"kid", "e1"},
                    {"x", bn_b64(ec.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)},
                    {"y", bn_b64(ec.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)}});
    keys.push_back({{"kty", "RSA"},
                    {"kid", "r1"},
                    {"alg", "RS256"},
                    {"n", bn_b64(rsa.get(), OSSL_PKEY_PARAM_RSA_N)},
                    {"e", bn_b64(rsa.get(), OSSL_PKEY_PARAM_RSA_E)}});
    return json{{"keys", keys}}.dump();
  }
  std::string sign(const json& claims, const std::string& alg = "ES256", EVP_PKEY* key = nullptr) {
    EVP_PKEY* k = key ? key : (alg == "ES256" ? ec.get() : rsa.get());
    std::string input = base64url_encode(json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." +
                        base64url_encode(claims.dump());
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k);
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    if (alg == "ES256") {  // DER -> R || S
      const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
      ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
      std::string raw(64, '\0');
      BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
      BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
      ECDSA_SIG_free(es);
      sig = raw;
    }
    return input + "." + base64url_encode(sig);
  }
};

struct JwtTest : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  Issuer issuer;
  AuthenticatorPtr auth;
  int64_t now = 0;
  void SetUp() override {
    std::string error;
    auth = make_jwt_authenticator({"https://issuer.test", "istio-ca", 30s}, issuer.jwks(), clock,
                                  &error);
    ASSERT_TRUE(auth) << error;
    now = std::chrono::duration_cast<std::chrono::seconds>(clock->now().time_since_epoch()).count();
  }
  json claims() {
    return {{"iss", "https://issuer.test"},
            {"aud", json::array({"istio-ca"})},
            {"sub", "system:serviceaccount:default:web"},
            {"exp", now + 600},
            {"nbf", now - 10}};
  }
  AuthResult run(const std::string& token) { return auth->authenticate(AuthRequest{token, {}}); }
  void expect_denied(const std::string& token, const std::string& fragment) {
    AuthResult r = run(token);
    EXPECT_EQ(r.kind, Kind::kDenied);
    EXPECT_NE(r.message.find(fragment), std::string::npos) << r.message;
  }
};

TEST_F(JwtTest, AcceptsEs256AndRs256) {
  for (const char* alg : {"ES256", "RS256"}) {
    AuthResult r = run(issuer.sign(claims(), alg));
    ASSERT_EQ(r.kind, Kind::kAccepted) << alg << ": " << r.message;
    EXPECT_EQ(r.caller, (ServiceAccount{"default", "web"}));
  }
}

TEST_F(JwtTest, TakesIdentityFromKubernetesClaims) {
  json c = claims();
  c.erase("sub");
  c["aud"] = "istio-ca";
  c["kubernetes.io"] = {{"namespace", "prod"}, {"serviceaccount", {{"name", "api"}}}};
  AuthResult r = run(issuer.sign(c));
  ASSERT_EQ(r.kind, Kind::kAccepted) << r.message;
  EXPECT_EQ(r.caller, (ServiceAccount{"prod", "api"}));
}

TEST_F(JwtTest, NoTokenIsNotApplicable) {
  EXPECT_EQ(auth->authenticate(AuthRequest{}).kind, Kind::kNotApplicable);
}

TEST_F(JwtTest, RefusesBadTokens) {
  json c = claims();
  c["exp"] = now - 60;
  expect_denied(issuer.sign(c), "expired");
  c = claims();
  c["nbf"] = now + 600;
  expect_denied(issuer.sign(c), "not valid yet");
  c = claims();
  c["aud"] = "vault";
  expect_denied(issuer.sign(c), "audience");
  c = claims();
  c["iss"] = "https://other";
  expect_denied(issuer.sign(c), "issuer");
  c = claims();
  c["sub"] = "system:serviceaccount:../x:y";
  expect_denied(issuer.sign(c), "service account");
  c = claims();
  c.erase("exp");
  expect_denied(issuer.sign(c), "no exp");
  auto stranger = generate_key("ec");
  expect_denied(issuer.sign(claims(), "ES256", stranger.get()), "does not verify");
  std::string token = issuer.sign(claims());
  // Change a signature character that carries data (the last one may be only padding bits).
  char& ch = token[token.size() - 10];
  ch = ch == 'A' ? 'B' : 'A';
  expect_denied(token, "");
  expect_denied(
      base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims().dump()) + ".",
      "\"none\" is not accepted");
  expect_denied("not.a-jwt", "not a JWT");
  // Time moves: the same token expires.
  std::string ok = issuer.sign(claims());
  EXPECT_EQ(run(ok).kind, Kind::kAccepted);
  clock->advance(700s);
  expect_denied(ok, "expired");
}

TEST(Base64Url, RoundTripsAndRejectsJunk) {
  std::string out;
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\xfd"}) {
    ASSERT_TRUE(base64url_decode(base64url_encode(s), &out));
    EXPECT_EQ(out, s);
  }
  EXPECT_FALSE(base64url_decode("ab+c", &out));
  EXPECT_FALSE(base64url_decode("a b", &out));
}

struct FakeReviewer : TokenReviewer {
  TokenReviewResult answer;
  int calls = 0;
  std::vector<std::string> audiences_asked;
  bool review(const std::string&, const std::vector<std::string>& audiences, TokenReviewResult* r,
              std::string*) override {
    ++calls;
    audiences_asked = audiences;
    *r = answer;
    return true;
  }
};

TEST(TokenReviewAuthenticator, NeedsAuthenticatedAndAudienceAndCaches) {
  auto clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  auto reviewer = std::make_shared<FakeReviewer>();
  auto auth = make_token_review_authenticator({"istio-ca", 10s, 100}, reviewer, clock);
  AuthRequest req{std::string("opaque-token"), {}};
  reviewer->answer = {true, "system:serviceaccount:shop:cart", {}, ""};
  EXPECT_EQ(auth->authenticate(req).kind, Kind::kDenied);  // no audience back
  reviewer->answer.audiences = {"other"};
  EXPECT_EQ(auth->authenticate(req).kind, Kind::kDenied);
  reviewer->answer = {false, "system:serviceaccount:shop:cart", {"istio-ca"}, "expired"};
  EXPECT_EQ(auth->authenticate(req).kind, Kind::kDenied);
  reviewer->answer.authenticated = true;
  AuthResult r = auth->authenticate(req);
  ASSERT_EQ(r.kind, Kind::kAccepted);
  EXPECT_EQ(r.caller, (ServiceAccount{"shop", "cart"}));
  EXPECT_EQ(reviewer->audiences_asked, std::vector<std::string>{"istio-ca"});
  int calls = reviewer->calls;
  EXPECT_EQ(auth->authenticate(req).kind, Kind::kAccepted);
  EXPECT_EQ(reviewer->calls, calls);  // cached
  clock->advance(11s);
  reviewer->answer.authenticated = false;
  EXPECT_EQ(auth->authenticate(req).kind, Kind::kDenied);  // cache expired, asked again
  EXPECT_EQ(reviewer->calls, calls + 1);
}

TEST(ClientCertAuthenticator, AcceptsMeshSvidsOnly) {
  auto clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  TrustBundlePublisher bundles;
  Authority authority(AuthorityOptions{}, clock);
  testing::TempDir dir;
  std::string error;
  auto ca = SelfSignedCa::create({"cluster.local", "ec", 240h, 24h}, make_file_ca_store(dir.path()),
                                 clock, &authority, &bundles, &error);
  ASSERT_TRUE(ca) << error;
  auto auth = make_client_cert_authenticator("cluster.local", &bundles, clock);
  auto key = generate_key("ec");
  std::vector<std::string> chain;
  ASSERT_TRUE(
      authority.sign_workload(key.get(), "spiffe://cluster.local/ns/prod/sa/api", 1h, &chain).ok());
  AuthResult r = auth->authenticate(AuthRequest{std::nullopt, {chain[0]}});
  ASSERT_EQ(r.kind, Kind::kAccepted) << r.message;
  EXPECT_EQ(r.caller, (ServiceAccount{"prod", "api"}));
  EXPECT_EQ(auth->authenticate(AuthRequest{}).kind, Kind::kNotApplicable);
  // Another trust domain's identity, though signed by our root.
  ASSERT_TRUE(
      authority.sign_workload(key.get(), "spiffe://other.domain/ns/prod/sa/api", 1h, &chain).ok());
  EXPECT_EQ(auth->authenticate(AuthRequest{std::nullopt, {chain[0]}}).kind, Kind::kDenied);
  // A server certificate (no SPIFFE ID).
  ASSERT_TRUE(authority.sign_server(key.get(), {"localhost"}, 1h, &chain).ok());
  EXPECT_EQ(auth->authenticate(AuthRequest{std::nullopt, {chain[0]}}).kind, Kind::kDenied);
  // Expired.
  ASSERT_TRUE(
      authority.sign_workload(key.get(), "spiffe://cluster.local/ns/prod/sa/api", 1h, &chain).ok());
  clock->advance(2h);
  r = auth->authenticate(AuthRequest{std::nullopt, {chain[0]}});
  EXPECT_EQ(r.kind, Kind::kDenied);
  EXPECT_NE(r.message.find("expired"), std::string::npos) << r.message;
  // Signed by a root we do not trust.
  RootCa other = make_self_signed_root("ec", "cluster.local", clock->now(), 24h, &error);
  std::string other_pem = cert_to_pem(other.cert.get());
  Authority foreign(AuthorityOptions{}, clock);
  foreign.set_bundle(KeyCertBundle::create(key_to_pem(other.key.get()), other_pem, "", other_pem,
                                           clock->now(), &error));
  ASSERT_TRUE(
      foreign.sign_workload(key.get(), "spiffe://cluster.local/ns/prod/sa/api", 1h, &chain).ok());
  EXPECT_EQ(auth->authenticate(AuthRequest{std::nullopt, {chain[0]}}).kind, Kind::kDenied);
}

}  // namespace
}  // namespace jib::ca
