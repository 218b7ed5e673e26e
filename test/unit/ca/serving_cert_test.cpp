#include "ca/serving_cert.h"

#include <gtest/gtest.h>

#include "ca/root_ca.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;

struct ServingCertTest : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  Authority authority{AuthorityOptions{}, clock};
  testing::TempDir dir;

  void SetUp() override {
    std::string error;
    RootCa root = make_self_signed_root("ec", "cluster.local", clock->now(), 100h, &error);
    ASSERT_TRUE(root.key) << error;
    std::string cert = cert_to_pem(root.cert.get());
    auto bundle =
        KeyCertBundle::create(key_to_pem(root.key.get()), cert, "", cert, clock->now(), &error);
    ASSERT_TRUE(bundle) << error;
    authority.set_bundle(bundle);
  }
  std::string chain() {
    std::string text, error;
    EXPECT_TRUE(read_file(dir.path() + "/cert-chain.pem", &text, &error)) << error;
    return text;
  }
};

TEST_F(ServingCertTest, RenewsHalfwayThroughItsLife) {
  ServingCert serving(dir.path(), {"jibd.example"}, 10h, &authority, clock);
  std::string error;
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  std::string first = chain();
  clock->advance(4h);
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  EXPECT_EQ(chain(), first);
  clock->advance(2h);
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  EXPECT_NE(chain(), first);
}

TEST_F(ServingCertTest, IsNotReissuedAtEveryCheckWhenTheRootIsAboutToExpire) {
  // The certificate is clipped to the root's last 90 s; its NotBefore is back-dated by 2 min,
  // so "half its life" counted from NotBefore would already be over when it is issued.
  clock->advance(100h - 90s);
  ServingCert serving(dir.path(), {"jibd.example"}, 10h, &authority, clock);
  std::string error;
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  std::string first = chain();
  clock->advance(1s);
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  EXPECT_EQ(chain(), first);
  clock->advance(45s);
  ASSERT_TRUE(serving.renew_if_needed(&error)) << error;
  EXPECT_NE(chain(), first);
}

}  // namespace
}  // namespace jib::ca
