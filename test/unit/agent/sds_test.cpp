#include <gtest/gtest.h>

#include <set>

#include "agent/sds_resources.h"
#include "agent/sds_stream_state.h"
#include "test/unit/support/discovery_request.h"

namespace jib::agent {
namespace {

using envoy::service::discovery::v3::DiscoveryRequest;

Svid svid(const std::string& chain) {
  Svid s;
  s.key_pem = "KEY";
  s.chain_pem = chain;
  s.serial_hex = "01";
  return s;
}

DiscoveryRequest request(std::vector<std::string> names, std::string version = "",
                         std::string nonce = "") {
  return jib::testing::discovery_request(names, version, nonce, std::string(kSecretTypeUrl));
}

TEST(SdsResources, DefaultAndRootcaAsIstio) {
  Svid s = svid("CHAIN");
  auto secrets = build_secrets({"default", "ROOTCA", "other"}, &s, "ROOTS");
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].name(), "default");
  EXPECT_EQ(secrets[0].tls_certificate().certificate_chain().inline_bytes(), "CHAIN");
  EXPECT_EQ(secrets[0].tls_certificate().private_key().inline_bytes(), "KEY");
  EXPECT_EQ(secrets[1].name(), "ROOTCA");
  EXPECT_EQ(secrets[1].validation_context().trusted_ca().inline_bytes(), "ROOTS");

  auto response = make_response(secrets, secrets_version(secrets), "7");
  EXPECT_EQ(response.type_url(), kSecretTypeUrl);
  EXPECT_EQ(response.nonce(), "7");
  ASSERT_EQ(response.resources_size(), 2);
  TlsSecret back;
  ASSERT_TRUE(response.resources(0).UnpackTo(&back));
  EXPECT_EQ(back.name(), "default");
}

TEST(SdsResources, NothingBeforeTheFirstCertificate) {
  EXPECT_TRUE(build_secrets({"default"}, nullptr, "ROOTS").empty());
  EXPECT_TRUE(build_secrets({"ROOTCA"}, nullptr, "").empty());
}

TEST(SdsResources, VersionFollowsContentOnly) {
  Svid a = svid("A"), a2 = svid("A"), b = svid("B");
  auto va = secrets_version(build_secrets({"default"}, &a, ""));
  EXPECT_EQ(va, secrets_version(build_secrets({"default"}, &a2, "")));
  EXPECT_NE(va, secrets_version(build_secrets({"default"}, &b, "")));
}

TEST(SdsStream, SendsOnSubscribeThenOnlyOnChange) {
  SdsStreamState st;
  Svid a = svid("A");
  EXPECT_FALSE(st.next_response(&a, "R"));  // nothing asked yet
  EXPECT_EQ(st.on_request(request({"default"})), SdsStreamState::RequestKind::kSubscribe);
  auto r1 = st.next_response(&a, "R");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->resources_size(), 1);
  EXPECT_EQ(st.on_request(request({"default"}, r1->version_info(), r1->nonce())),
            SdsStreamState::RequestKind::kAck);
  EXPECT_EQ(st.watch().acked_version(), r1->version_info());
  EXPECT_FALSE(st.next_response(&a, "R"));   // unchanged: nothing
  EXPECT_FALSE(st.next_response(&a, "R2"));  // ROOTCA not asked on this stream
  Svid b = svid("B");
  auto r2 = st.next_response(&b, "R");  // renewal: pushed on the open stream
  ASSERT_TRUE(r2);
  EXPECT_NE(r2->version_info(), r1->version_info());
  EXPECT_NE(r2->nonce(), r1->nonce());
}

TEST(SdsStream, WaitsForTheFirstCertificate) {
  SdsStreamState st;
  st.on_request(request({"default"}));
  EXPECT_FALSE(st.next_response(nullptr, "R"));
  Svid a = svid("A");
  EXPECT_TRUE(st.next_response(&a, "R"));
}

TEST(SdsStream, StaleNonceIgnoredAndNackNotAnsweredInALoop) {
  SdsStreamState st;
  Svid a = svid("A");
  st.on_request(request({"ROOTCA"}));
  auto r1 = st.next_response(&a, "R");
  ASSERT_TRUE(r1);
  EXPECT_EQ(st.on_request(request({"ROOTCA", "default"}, "", "old-nonce")),
            SdsStreamState::RequestKind::kStale);
  EXPECT_EQ(st.watch().names(), std::set<std::string>{"ROOTCA"});

  auto nack = request({"ROOTCA"}, "", r1->nonce());
  nack.mutable_error_detail()->set_message("bad cert");
  EXPECT_EQ(st.on_request(nack), SdsStreamState::RequestKind::kNack);
  EXPECT_EQ(st.watch().nack().version, r1->version_info());
  EXPECT_EQ(st.watch().nack().message, "bad cert");
  EXPECT_FALSE(st.next_response(&a, "R"));     // the same content is not resent
  EXPECT_TRUE(st.next_response(&a, "R-new"));  // new content is
}

TEST(SdsStream, NewNamesAreAnsweredEvenWithUnchangedContent) {
  SdsStreamState st;
  Svid a = svid("A");
  st.on_request(request({"default"}));
  auto r1 = st.next_response(&a, "R");
  ASSERT_TRUE(r1);
  EXPECT_EQ(st.on_request(request({"default", "ROOTCA"}, r1->version_info(), r1->nonce())),
            SdsStreamState::RequestKind::kResubscribe);
  auto r2 = st.next_response(&a, "R");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->resources_size(), 2);
}

}  // namespace
}  // namespace jib::agent
