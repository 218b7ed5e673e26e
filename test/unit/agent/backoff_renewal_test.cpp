#include <gtest/gtest.h>

#include "base/backoff.h"
#include "agent/renewal.h"

namespace jib::agent {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(Backoff, GrowsExponentiallyWithJitterAndCaps) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0, 0.5}, 42);
  const int64_t bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t base : bases) {
    auto d = b.next().count();
    EXPECT_GE(d, base);
    EXPECT_LE(d, base * 3 / 2);
  }
  EXPECT_EQ(b.attempts(), 7);
  b.reset();
  EXPECT_LE(b.next().count(), 150);
}

TEST(Backoff, JitterSpreadsAgentsThatFailTogether) {
  Backoff a({}, 1), b({}, 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ |= a.next() != b.next();
  EXPECT_TRUE(differ);
}

TEST(Backoff, NoJitterIsExact) {
  Backoff b({milliseconds(10), milliseconds(50), 3.0, 0.0}, 7);
  EXPECT_EQ(b.next(), milliseconds(10));
  EXPECT_EQ(b.next(), milliseconds(30));
  EXPECT_EQ(b.next(), milliseconds(50));
}

TEST(Renewal, AtTheFractionOfTheLifetimeCountedFromReceipt) {
  auto received = std::chrono::system_clock::time_point(1000000s);
  RenewalPolicy p({0.8, 0.0}, 1);
  // 100 s left: renew 80 s after receipt, whatever NotBefore said (the CA back-dates it).
  EXPECT_EQ(p.renew_at(received, received + 100s), received + 80s);
}

TEST(Renewal, JitterKeepsRenewalInsideTheWindow) {
  auto received = std::chrono::system_clock::time_point(1000000s);
  RenewalPolicy p({0.8, 0.1}, 3);
  bool spread = false;
  auto first = p.renew_at(received, received + 1000s);
  for (int i = 0; i < 50; ++i) {
    auto at = p.renew_at(received, received + 1000s);
    EXPECT_GE(at, received + 700s);
    EXPECT_LE(at, received + 800s);
    spread |= at != first;
  }
  EXPECT_TRUE(spread);
}

TEST(Renewal, ExpiredCertificateRenewsAtOnce) {
  auto now = std::chrono::system_clock::time_point(1000000s);
  RenewalPolicy p({0.8, 0.05}, 1);
  EXPECT_EQ(p.renew_at(now, now - 1s), now);
}

TEST(Renewal, OptionsAreChecked) {
  EXPECT_TRUE(valid_renewal_options({0.8, 0.05}));
  EXPECT_FALSE(valid_renewal_options({1.0, 0.0}));
  EXPECT_FALSE(valid_renewal_options({0.1, 0.2}));
  EXPECT_FALSE(valid_renewal_options({0.5, -0.1}));
}

}  // namespace
}  // namespace jib::agent
