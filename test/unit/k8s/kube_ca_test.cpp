#include "k8s/kube_ca.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fake_kube_client.h"
#include "k8s/resources.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {

using testing::FakeKubeClient;

const std::string kCert1 = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n";
const std::string kCert2 = "-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";

TEST(SecretCaStore, SavesWithIstiosKeysAndLoadsBack) {
  auto client = std::make_shared<FakeKubeClient>();
  auto store = make_secret_ca_store(client, {});
  ca::StoredCa got;
  bool found = true;
  std::string error;
  ASSERT_TRUE(store->load(&got, &found, &error)) << error;
  EXPECT_FALSE(found);

  ASSERT_TRUE(store->save({"KEY", kCert1, {kCert2}, "", ""}, &error)) << error;
  Result secret = client->get(resources::secrets(), "istio-system", kCaSecret);
  ASSERT_TRUE(secret.ok());
  std::string root;
  ASSERT_TRUE(base64_decode(secret.body["data"]["root-cert.pem"].get<std::string>(), &root));
  EXPECT_EQ(root, kCert1 + kCert2);
  EXPECT_TRUE(secret.body["data"].contains("cert-chain.pem"));

  ASSERT_TRUE(store->load(&got, &found, &error)) << error;
  EXPECT_TRUE(found);
  EXPECT_EQ(got.key_pem, "KEY");
  EXPECT_EQ(got.cert_pem, kCert1);
  EXPECT_EQ(got.previous_roots_pem, std::vector<std::string>{kCert2});

  // Rotation: an update of the same Secret.
  ASSERT_TRUE(store->save({"KEY2", kCert2, {kCert1}, "", ""}, &error)) << error;
  ASSERT_TRUE(store->load(&got, &found, &error));
  EXPECT_EQ(got.cert_pem, kCert2);
}

TEST(SecretCaStore, KeepsTheNextRootOfARotationApartFromThePreviousOnes) {
  auto client = std::make_shared<FakeKubeClient>();
  auto store = make_secret_ca_store(client, {});
  std::string error;
  const std::string cert3 = "-----BEGIN CERTIFICATE-----\nCCC\n-----END CERTIFICATE-----\n";
  ASSERT_TRUE(store->save({"KEY", kCert1, {kCert2}, "NEXTKEY", cert3}, &error)) << error;
  Result secret = client->get(resources::secrets(), "istio-system", kCaSecret);
  ASSERT_TRUE(secret.ok());
  std::string root;
  ASSERT_TRUE(base64_decode(secret.body["data"]["root-cert.pem"].get<std::string>(), &root));
  EXPECT_EQ(root, kCert1 + cert3 + kCert2);  // the whole bundle, signing root first
  ca::StoredCa got;
  bool found = false;
  ASSERT_TRUE(store->load(&got, &found, &error)) << error;
  EXPECT_EQ(got.cert_pem, kCert1);
  EXPECT_EQ(got.next_cert_pem, cert3);
  EXPECT_EQ(got.next_key_pem, "NEXTKEY");
  EXPECT_EQ(got.previous_roots_pem, std::vector<std::string>{kCert2});
}

TEST(SecretCaStore, NonLeaderWaitsForTheRootInsteadOfMakingOne) {
  auto client = std::make_shared<FakeKubeClient>();
  std::stop_source stop;
  SecretCaStoreOptions o;
  o.may_create = [] { return false; };
  o.stop = stop.get_token();
  auto follower = make_secret_ca_store(client, o);
  std::thread leader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string error;
    make_secret_ca_store(client, {})->save({"KEY", kCert1, {}, "", ""}, &error);
  });
  ca::StoredCa got;
  bool found = false;
  std::string error;
  ASSERT_TRUE(follower->load(&got, &found, &error)) << error;
  leader.join();
  EXPECT_TRUE(found);
  EXPECT_EQ(got.cert_pem, kCert1);

  // Stopped while waiting: load fails instead of hanging.
  auto empty = std::make_shared<FakeKubeClient>();
  o.stop = stop.get_token();
  stop.request_stop();
  EXPECT_FALSE(make_secret_ca_store(empty, o)->load(&got, &found, &error));
}

TEST(KubeTokenReviewer, PostsAudiencesAndReadsStatus) {
  auto client = std::make_shared<FakeKubeClient>();
  nlohmann::json seen;
  client->on_create(resources::token_reviews(), [&](const nlohmann::json& body) {
    seen = body;
    return Result{201,
                  {{"status",
                    {{"authenticated", true},
                     {"user", {{"username", "system:serviceaccount:n:a"}}},
                     {"audiences", {"istio-ca"}}}}},
                  ""};
  });
  auto reviewer = make_kube_token_reviewer(client);
  ca::TokenReviewResult result;
  std::string error;
  ASSERT_TRUE(reviewer->review("tok", {"istio-ca"}, &result, &error)) << error;
  EXPECT_EQ(seen["spec"]["token"], "tok");
  EXPECT_EQ(seen["spec"]["audiences"], nlohmann::json({"istio-ca"}));
  EXPECT_TRUE(result.authenticated);
  EXPECT_EQ(result.username, "system:serviceaccount:n:a");
  EXPECT_EQ(result.audiences, std::vector<std::string>{"istio-ca"});

  client->on_create(resources::token_reviews(), [](const nlohmann::json&) {
    return Result{403, nullptr, "HTTP 403: no"};
  });
  EXPECT_FALSE(reviewer->review("tok", {"istio-ca"}, &result, &error));
  EXPECT_NE(error.find("403"), std::string::npos);
}

TEST(PluggedCa, WritesTheCacertsSecretToADirectory) {
  auto client = std::make_shared<FakeKubeClient>();
  std::string dir =
      std::filesystem::temp_directory_path() / ("jib-k8s-cacerts-" + std::to_string(::getpid()));
  bool found = true;
  std::string error;
  ASSERT_TRUE(fetch_plugged_ca(*client, "istio-system", dir, &found, &error));
  EXPECT_FALSE(found);
  client->upsert(resources::secrets(),
                 {{"metadata", {{"namespace", "istio-system"}, {"name", "cacerts"}}},
                  {"data",
                   {{"ca-cert.pem", base64_encode("C")},
                    {"ca-key.pem", base64_encode("K")},
                    {"cert-chain.pem", base64_encode("CH")},
                    {"root-cert.pem", base64_encode("R")}}}});
  ASSERT_TRUE(fetch_plugged_ca(*client, "istio-system", dir, &found, &error)) << error;
  EXPECT_TRUE(found);
  std::ifstream in(dir + "/ca-key.pem");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "K");
  EXPECT_EQ(std::filesystem::status(dir + "/ca-key.pem").permissions() &
                std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jib::k8s
