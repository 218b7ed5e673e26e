#include "ca/authority.h"

#include <gtest/gtest.h>

#include <set>

#include "ca/root_ca.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;

struct Fixture : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  Authority authority{AuthorityOptions{24h, 48h, 2min}, clock};
  KeyCertBundlePtr bundle;

  void SetUp() override {
    std::string error;
    RootCa root = make_self_signed_root("ec", "cluster.local", clock->now(), 72h, &error);
    ASSERT_TRUE(root.key) << error;
    std::string pem = cert_to_pem(root.cert.get());
    bundle = KeyCertBundle::create(key_to_pem(root.key.get()), pem, "", pem, clock->now(), &error);
    ASSERT_TRUE(bundle) << error;
    authority.set_bundle(bundle);
  }
};

TEST_F(Fixture, TtlDefaultsAndMaximum) {
  std::chrono::seconds ttl;
  ASSERT_TRUE(authority.resolve_ttl(0, &ttl).ok());
  EXPECT_EQ(ttl, 24h);
  ASSERT_TRUE(authority.resolve_ttl(-5, &ttl).ok());
  EXPECT_EQ(ttl, 24h);
  ASSERT_TRUE(authority.resolve_ttl(3600, &ttl).ok());
  EXPECT_EQ(ttl, 1h);
  ASSERT_TRUE(authority.resolve_ttl(48 * 3600, &ttl).ok());
  CaStatus st = authority.resolve_ttl(48 * 3600 + 1, &ttl);
  EXPECT_EQ(st.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.message.find("greater than the max allowed TTL 172800s"), std::string::npos);
}

TEST_F(Fixture, WorkloadCertificateHasExactlyTheSvidExtensions) {
  for (const char* kind : {"ec", "rsa2048"}) {
    auto key = generate_key(kind);
    std::vector<std::string> chain;
    const std::string id = "spiffe://cluster.local/ns/default/sa/web";
    ASSERT_TRUE(authority.sign_workload(key.get(), id, 1h, &chain).ok());
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain.back(), bundle->root_pem());
    X509Ptr leaf = cert_from_pem(chain[0]);
    ASSERT_TRUE(leaf);
    EXPECT_EQ(X509_get_ext_count(leaf.get()), 6);
    auto critical = [&](int nid) {
      return X509_EXTENSION_get_critical(
          X509_get_ext(leaf.get(), X509_get_ext_by_NID(leaf.get(), nid, -1)));
    };
    EXPECT_EQ(critical(NID_basic_constraints), 1);
    EXPECT_EQ(critical(NID_key_usage), 1);
    EXPECT_EQ(critical(NID_subject_alt_name), 1);
    EXPECT_EQ(critical(NID_ext_key_usage), 0);
    EXPECT_GE(X509_get_ext_by_NID(leaf.get(), NID_subject_key_identifier, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(leaf.get(), NID_authority_key_identifier, -1), 0);
    EXPECT_EQ(X509_check_ca(leaf.get()), 0);
    uint32_t ku = X509_get_key_usage(leaf.get());
    uint32_t want = KU_DIGITAL_SIGNATURE | (std::string(kind) == "ec" ? 0 : KU_KEY_ENCIPHERMENT);
    EXPECT_EQ(ku, want) << kind;
    EXPECT_EQ(X509_get_extended_key_usage(leaf.get()), uint32_t{XKU_SSL_SERVER | XKU_SSL_CLIENT});
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(leaf.get(), NID_subject_alt_name, nullptr, nullptr)));
    ASSERT_EQ(sk_GENERAL_NAME_num(names.get()), 1);
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), 0);
    ASSERT_EQ(gn->type, GEN_URI);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(
                  ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier))),
              id);
    EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(leaf.get())), 0);
    // Positive 128-bit random serial.
    BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf.get()), nullptr));
    EXPECT_FALSE(BN_is_negative(serial.get()));
    EXPECT_GT(BN_num_bits(serial.get()), 100);
    EXPECT_LE(BN_num_bits(serial.get()), 128);
    // Back-dated by two minutes, but never before the root.
    EXPECT_EQ(
        not_before(leaf.get()),
        std::max<TimePoint>(std::chrono::time_point_cast<std::chrono::seconds>(clock->now() - 2min),
                            not_before(bundle->root_cert())));
    EXPECT_EQ(
        verify_chain(leaf.get(), {}, {bundle->root_cert()}, clock->now(), X509_PURPOSE_SSL_CLIENT),
        "");
    EXPECT_EQ(
        verify_chain(leaf.get(), {}, {bundle->root_cert()}, clock->now(), X509_PURPOSE_SSL_SERVER),
        "");
  }
}

TEST_F(Fixture, SerialsDiffer) {
  auto key = generate_key("ec");
  std::set<std::string> serials;
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> chain;
    ASSERT_TRUE(
        authority.sign_workload(key.get(), "spiffe://cluster.local/ns/a/sa/b", 1h, &chain).ok());
    X509Ptr leaf = cert_from_pem(chain[0]);
    BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf.get()), nullptr));
    char* hex = BN_bn2hex(bn.get());
    serials.insert(hex);
    OPENSSL_free(hex);
  }
  EXPECT_EQ(serials.size(), 50u);
}

TEST_F(Fixture, LeafNeverOutlivesTheRoot) {
  clock->advance(71h);  // root has an hour left
  auto key = generate_key("ec");
  std::vector<std::string> chain;
  ASSERT_TRUE(
      authority.sign_workload(key.get(), "spiffe://cluster.local/ns/a/sa/b", 24h, &chain).ok());
  X509Ptr leaf = cert_from_pem(chain[0]);
  EXPECT_EQ(not_after(leaf.get()), not_after(bundle->root_cert()));
  clock->advance(2h);  // root expired
  CaStatus st = authority.sign_workload(key.get(), "spiffe://cluster.local/ns/a/sa/b", 1h, &chain);
  EXPECT_EQ(st.code, grpc::StatusCode::INTERNAL);
}

TEST(AuthorityNotReady, RefusesWithInternal) {
  Authority a(AuthorityOptions{}, std::make_shared<SystemClock>());
  auto key = generate_key("ec");
  std::vector<std::string> chain;
  EXPECT_EQ(a.sign_workload(key.get(), "spiffe://x/ns/a/sa/b", std::chrono::hours(1), &chain).code,
            grpc::StatusCode::INTERNAL);
}

}  // namespace
}  // namespace jib::ca
