#include "ca/csr_service.h"

#include <gtest/gtest.h>

#include "ca/root_ca.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;

// Accepts a fixed caller when the token is "let-me-in".
struct FixedAuthenticator : Authenticator {
  std::string name() const override { return "fixed"; }
  AuthResult authenticate(const AuthRequest& r) override {
    if (!r.bearer_token) return AuthResult::NotApplicable();
    if (*r.bearer_token != "let-me-in") return AuthResult::Denied("wrong word");
    return AuthResult::Accepted({"default", "web"});
  }
};

struct CsrServiceTest : ::testing::Test {
  std::shared_ptr<SystemClock> clock = std::make_shared<SystemClock>();
  Authority authority{AuthorityOptions{24h, 48h, 2min}, clock};
  std::unique_ptr<CsrService> service;
  void SetUp() override {
    std::string error;
    RootCa root = make_self_signed_root("ec", "cluster.local", clock->now(), 240h, &error);
    std::string pem = cert_to_pem(root.cert.get());
    authority.set_bundle(
        KeyCertBundle::create(key_to_pem(root.key.get()), pem, "", pem, clock->now(), &error));
    std::vector<AuthenticatorPtr> auth;
    auth.push_back(std::make_unique<FixedAuthenticator>());
    service = std::make_unique<CsrService>("cluster.local", std::move(auth), &authority);
  }
};

TEST_F(CsrServiceTest, IdentityComesFromTheCallerNeverFromTheCsr) {
  auto key = generate_key("ec");
  std::vector<std::string> chain;
  CaStatus st = service->create_certificate(AuthRequest{"let-me-in", {}},
                                            testing::make_csr(key.get()), 0, &chain);
  ASSERT_TRUE(st.ok()) << st.message;
  X509Ptr leaf = cert_from_pem(chain[0]);
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf.get(), NID_subject_alt_name, nullptr, nullptr)));
  const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), 0);
  EXPECT_STREQ(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier)),
      "spiffe://cluster.local/ns/default/sa/web");

  st = service->create_certificate(
      AuthRequest{"let-me-in", {}},
      testing::make_csr(key.get(), {{NID_subject_alt_name,
                                     "URI:spiffe://cluster.local/ns/kube-system/sa/admin"}}),
      0, &chain);
  EXPECT_EQ(st.code, grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CsrServiceTest, StatusCodesFollowIstiod) {
  auto key = generate_key("ec");
  std::string csr = testing::make_csr(key.get());
  std::vector<std::string> chain;
  CaStatus st = service->create_certificate(AuthRequest{}, csr, 0, &chain);
  EXPECT_EQ(st.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(st.message, "authentication failed: no bearer token or client certificate");
  st = service->create_certificate(AuthRequest{"guess", {}}, csr, 0, &chain);
  EXPECT_EQ(st.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(st.message, "authentication failed: fixed: wrong word");
  st = service->create_certificate(AuthRequest{"let-me-in", {}}, csr, 49 * 3600, &chain);
  EXPECT_EQ(st.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(service->counters().csr_count, 3u);
  EXPECT_EQ(service->counters().authentication_failure_count, 2u);
  EXPECT_EQ(service->counters().success_cert_issuance_count, 0u);
}

}  // namespace
}  // namespace jib::ca
