#include "xds/protocol/sotw_watch.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "test/unit/support/discovery_request.h"

namespace jib::xds {
namespace {

using envoy::service::discovery::v3::DiscoveryRequest;
using Kind = SotwWatch::RequestKind;

DiscoveryRequest request(std::vector<std::string> names, std::string version = "",
                         std::string nonce = "") {
  return jib::testing::discovery_request(names, version, nonce);
}

DiscoveryRequest nack(std::vector<std::string> names, std::string nonce, std::string message) {
  DiscoveryRequest r = request(std::move(names), "", std::move(nonce));
  r.mutable_error_detail()->set_message(message);
  return r;
}

TEST(SotwWatch, NothingToSendBeforeTheFirstRequest) {
  SotwWatch w;
  EXPECT_FALSE(w.subscribed());
  EXPECT_FALSE(w.should_send("v1"));
}

TEST(SotwWatch, FirstSubscribeIsAnsweredThenAckedAndNotResent) {
  SotwWatch w;
  EXPECT_EQ(w.on_request(request({"a", "b"})), Kind::kSubscribe);
  EXPECT_EQ(w.names(), (std::set<std::string>{"a", "b"}));
  EXPECT_TRUE(w.unanswered());
  EXPECT_TRUE(w.should_send("v1"));
  w.sent("v1", "1");
  EXPECT_FALSE(w.unanswered());
  EXPECT_EQ(w.sent_version(), "v1");
  EXPECT_EQ(w.sent_nonce(), "1");

  EXPECT_EQ(w.on_request(request({"b", "a"}, "v1", "1")), Kind::kAck);
  EXPECT_EQ(w.acked_version(), "v1");
  EXPECT_FALSE(w.should_send("v1"));  // equal content is not resent
  EXPECT_TRUE(w.should_send("v2"));   // a content change is sent
  w.sent("v2", "2");
  EXPECT_FALSE(w.should_send("v2"));  // once
}

TEST(SotwWatch, SubscribeIsAnsweredEvenWhenTheContentIsUnchanged) {
  SotwWatch w;
  w.on_request(request({"a"}));
  w.sent("v1", "1");
  // A request without a nonce (Envoy's first on a type, or a retry) is always answered.
  EXPECT_EQ(w.on_request(request({"a"})), Kind::kSubscribe);
  EXPECT_TRUE(w.should_send("v1"));
}

TEST(SotwWatch, NackIsRecordedAndTheSameContentNeverResent) {
  SotwWatch w;
  w.on_request(request({"a"}));
  w.sent("v1", "1");
  EXPECT_EQ(w.on_request(nack({"a"}, "1", "bad listener")), Kind::kNack);
  EXPECT_EQ(w.nack().version, "v1");
  EXPECT_EQ(w.nack().message, "bad listener");
  EXPECT_EQ(w.acked_version(), "");
  EXPECT_FALSE(w.unanswered());
  EXPECT_FALSE(w.should_send("v1"));
  EXPECT_TRUE(w.should_send("v2"));

  w.sent("v2", "2");
  EXPECT_EQ(w.on_request(request({"a"}, "v2", "2")), Kind::kAck);
  EXPECT_EQ(w.acked_version(), "v2");
  EXPECT_EQ(w.nack().message, "");  // an ACK clears the NACK
}

TEST(SotwWatch, NackWithNewNamesAnswersTheNewSubscription) {
  SotwWatch w;
  w.on_request(request({"a"}));
  w.sent("v1", "1");
  EXPECT_EQ(w.on_request(nack({"a", "b"}, "1", "bad")), Kind::kNack);
  EXPECT_EQ(w.names(), (std::set<std::string>{"a", "b"}));
  EXPECT_TRUE(w.unanswered());
  EXPECT_TRUE(w.should_send("v1"));
}

TEST(SotwWatch, StaleNonceIsIgnored) {
  SotwWatch w;
  w.on_request(request({"a"}));
  w.sent("v1", "1");
  w.sent("v2", "2");
  EXPECT_EQ(w.on_request(request({"a", "b"}, "v1", "1")), Kind::kStale);
  EXPECT_EQ(w.on_request(nack({"a"}, "1", "late")), Kind::kStale);
  EXPECT_EQ(w.names(), std::set<std::string>{"a"});
  EXPECT_EQ(w.acked_version(), "");
  EXPECT_EQ(w.nack().message, "");
  EXPECT_FALSE(w.should_send("v2"));
  // Before anything was sent, any nonce is stale.
  SotwWatch fresh;
  EXPECT_EQ(fresh.on_request(request({"a"}, "v1", "7")), Kind::kStale);
  EXPECT_FALSE(fresh.subscribed());
}

TEST(SotwWatch, ResubscribeWithNewNamesIsAnsweredWithUnchangedContent) {
  SotwWatch w;
  w.on_request(request({"a"}));
  w.sent("v1", "1");
  EXPECT_EQ(w.on_request(request({"a", "b"}, "v1", "1")), Kind::kResubscribe);
  EXPECT_EQ(w.acked_version(), "v1");
  EXPECT_EQ(w.names(), (std::set<std::string>{"a", "b"}));
  EXPECT_TRUE(w.should_send("v1"));
  w.sent("v1", "2");
  EXPECT_FALSE(w.should_send("v1"));
}

TEST(SotwWatch, WildcardForEmptyNamesOnWildcardTypesOnly) {
  SotwWatch clusters(/*empty_means_all=*/true);
  clusters.on_request(request({}));
  EXPECT_TRUE(clusters.wildcard());
  EXPECT_TRUE(clusters.wants("outbound|80||a"));

  SotwWatch endpoints;
  endpoints.on_request(request({}));
  EXPECT_FALSE(endpoints.wildcard());
  EXPECT_FALSE(endpoints.wants("outbound|80||a"));

  SotwWatch named(true);
  named.on_request(request({"x"}));
  EXPECT_FALSE(named.wildcard());
  EXPECT_TRUE(named.wants("x"));
  EXPECT_FALSE(named.wants("y"));

  SotwWatch star(true);
  star.on_request(request({"*", "x"}));
  EXPECT_TRUE(star.wildcard());
  EXPECT_TRUE(star.wants("y"));
}

}  // namespace
}  // namespace jib::xds
