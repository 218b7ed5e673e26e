// RBAC decides who reads gateway credentials: the SubjectAccessReview istiod sends, its answers
// reused per caller (grants longer than denials), and a failed review refuses.
#include "k8s/credentials_access_review.h"

#include <gtest/gtest.h>

#include <set>

#include "fake_kube_client.h"
#include "k8s/resources.h"

namespace jib::k8s {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::FakeKubeClient;

// An API server whose RBAC allows the users in `allowed`, recording every review.
struct Rbac {
  std::shared_ptr<FakeKubeClient> client = std::make_shared<FakeKubeClient>();
  std::shared_ptr<FakeClock> clock =
      std::make_shared<FakeClock>(std::chrono::system_clock::time_point(std::chrono::hours(1)));
  std::set<std::string> allowed;
  std::vector<nlohmann::json> reviews;

  Rbac() {
    client->on_create(resources::subject_access_reviews(), [this](const nlohmann::json& body) {
      reviews.push_back(body);
      const std::string user = body["spec"]["user"];
      nlohmann::json status = {{"allowed", allowed.count(user) > 0}};
      if (!allowed.count(user)) status["reason"] = "no RBAC policy matched";
      nlohmann::json answer = body;
      answer["status"] = status;
      return Result{201, answer, ""};
    });
  }
  xds::CredentialsAuthorizerPtr authorizer(CredentialsReviewOptions options = {}) {
    return make_kube_credentials_authorizer(client, options, clock);
  }
};

TEST(CredentialsAccessReview, AsksWhatIstiodAsks) {
  Rbac rbac;
  rbac.allowed.insert("system:serviceaccount:shop:gw");
  auto authorizer = rbac.authorizer();
  EXPECT_TRUE(authorizer->authorize("shop", "gw").allowed);
  ASSERT_EQ(rbac.reviews.size(), 1u);
  const nlohmann::json& review = rbac.reviews[0];
  EXPECT_EQ(review["apiVersion"], "authorization.k8s.io/v1");
  EXPECT_EQ(review["kind"], "SubjectAccessReview");
  EXPECT_EQ(review["spec"]["user"], "system:serviceaccount:shop:gw");
  EXPECT_EQ(review["spec"]["resourceAttributes"],
            (nlohmann::json{{"namespace", "shop"}, {"verb", "list"}, {"resource", "secrets"}}));

  const xds::CredentialsVerdict refused = authorizer->authorize("shop", "web");
  EXPECT_FALSE(refused.allowed);
  EXPECT_NE(refused.reason.find("system:serviceaccount:shop:web"), std::string::npos);
  EXPECT_NE(refused.reason.find("no RBAC policy matched"), std::string::npos);
}

TEST(CredentialsAccessReview, GrantsAreReusedLongerThanDenials) {
  Rbac rbac;
  rbac.allowed.insert("system:serviceaccount:shop:gw");
  auto authorizer = rbac.authorizer({.allow_ttl = minutes(5), .deny_ttl = minutes(1)});
  EXPECT_TRUE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_FALSE(authorizer->authorize("shop", "web").allowed);
  ASSERT_EQ(rbac.reviews.size(), 2u);

  // RBAC changes both ways; within the TTLs the old answers stand, without a review.
  rbac.allowed = {"system:serviceaccount:shop:web"};
  rbac.clock->advance(seconds(59));
  EXPECT_TRUE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_FALSE(authorizer->authorize("shop", "web").allowed);
  EXPECT_EQ(rbac.reviews.size(), 2u);

  // The denial expires first: the new grant is seen.
  rbac.clock->advance(seconds(2));
  EXPECT_TRUE(authorizer->authorize("shop", "web").allowed);
  EXPECT_TRUE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_EQ(rbac.reviews.size(), 3u);

  // Then the grant: the revocation is seen.
  rbac.clock->advance(minutes(4));
  EXPECT_FALSE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_EQ(rbac.reviews.size(), 4u);
}

TEST(CredentialsAccessReview, FailedReviewRefusesForTheDenialTtl) {
  Rbac rbac;
  rbac.allowed.insert("system:serviceaccount:shop:gw");
  auto authorizer = rbac.authorizer({.allow_ttl = minutes(5), .deny_ttl = seconds(10)});
  rbac.client->set_down(true);
  const xds::CredentialsVerdict verdict = authorizer->authorize("shop", "gw");
  EXPECT_FALSE(verdict.allowed);
  EXPECT_NE(verdict.reason.find("SubjectAccessReview failed"), std::string::npos);
  rbac.client->set_down(false);
  EXPECT_FALSE(authorizer->authorize("shop", "gw").allowed);  // not asked again yet
  EXPECT_TRUE(rbac.reviews.empty());
  rbac.clock->advance(seconds(11));
  EXPECT_TRUE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_EQ(rbac.reviews.size(), 1u);
}

TEST(CredentialsAccessReview, ExplicitDenialWinsAndAResponseWithoutStatusRefuses) {
  Rbac rbac;
  rbac.client->on_create(resources::subject_access_reviews(), [](const nlohmann::json& body) {
    if (body["spec"]["user"] == "system:serviceaccount:shop:odd") return Result{201, body, ""};
    return Result{201, {{"status", {{"allowed", true}, {"denied", true}}}}, ""};
  });
  auto authorizer = rbac.authorizer();
  EXPECT_FALSE(authorizer->authorize("shop", "gw").allowed);
  EXPECT_FALSE(authorizer->authorize("shop", "odd").allowed);
}

TEST(CredentialsAccessReview, CacheStaysBounded) {
  Rbac rbac;
  auto authorizer = rbac.authorizer({.max_entries = 3});
  for (const char* sa : {"a", "b", "c", "d"}) authorizer->authorize("shop", sa);
  ASSERT_EQ(rbac.reviews.size(), 4u);
  // Full with live entries: the cache started over, so "a" is reviewed again, "d" is not.
  authorizer->authorize("shop", "d");
  EXPECT_EQ(rbac.reviews.size(), 4u);
  authorizer->authorize("shop", "a");
  EXPECT_EQ(rbac.reviews.size(), 5u);
}

}  // namespace
}  // namespace jib::k8s
