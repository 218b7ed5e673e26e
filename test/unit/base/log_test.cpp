// Client-chosen text is clipped, and one client's lines are held to a budget.
#include "base/log.h"

#include <gtest/gtest.h>

#include "base/metrics.h"

namespace jib::log {
namespace {

TEST(Log, ClipKeepsShortTextAndSaysHowMuchWasCut) {
  EXPECT_EQ(clip("short"), "short");
  EXPECT_EQ(clip(std::string(512, 'a')), std::string(512, 'a'));
  EXPECT_EQ(clip(std::string(600, 'a')), std::string(512, 'a') + "... (88 more bytes)");
  EXPECT_EQ(clip("abcdef", 2), "ab... (4 more bytes)");
}

uint64_t suppressed_total() {
  return metrics::Registry::global()
      .counter("jib_log_lines_suppressed_total",
               "Log lines about one client left out over its budget")
      .value();
}

std::chrono::steady_clock::time_point g_now;
std::chrono::steady_clock::time_point fake_now() { return g_now; }

TEST(Log, ABudgetLetsABurstThroughThenCountsWhatItLeavesOut) {
  testing::internal::CaptureStderr();
  const uint64_t before = suppressed_total();
  LineBudget budget(3, std::chrono::seconds(1), &fake_now);
  for (int i = 0; i < 10; ++i) budget.warn("test", "line ", i);
  g_now += std::chrono::milliseconds(999);
  budget.warn("test", "too soon");
  g_now += std::chrono::milliseconds(1);
  budget.warn("test", "after");
  budget.warn("test", "over again");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("line 2"), std::string::npos);
  EXPECT_EQ(out.find("line 3"), std::string::npos);
  EXPECT_EQ(out.find("too soon"), std::string::npos);
  EXPECT_NE(out.find("after (8 similar lines left out before this)"), std::string::npos) << out;
  EXPECT_EQ(out.find("over again"), std::string::npos);
  EXPECT_EQ(suppressed_total() - before, 9u);
}

TEST(Log, EveryLineIsClipped) {
  testing::internal::CaptureStderr();
  warn("test", std::string(100'000, 'x'));
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_LT(out.size(), kMaxLineBytes + 200);
  EXPECT_NE(out.find("more bytes)"), std::string::npos);
}

TEST(Log, StreamsFromOneAddressShareABudget) {
  EXPECT_EQ(peer_budget("ipv4:10.1.2.3:5000"), peer_budget("ipv4:10.1.2.3:6000"));
  EXPECT_EQ(peer_budget("ipv6:[::1]:5000"), peer_budget("ipv6:[::1]:7000"));
  EXPECT_NE(peer_budget("ipv4:10.1.2.3:5000"), peer_budget("ipv4:10.1.2.4:5000"));
  EXPECT_NE(peer_budget("unix:/a"), nullptr);
}

}  // namespace
}  // namespace jib::log
