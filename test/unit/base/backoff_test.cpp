#include "base/backoff.h"

#include <gtest/gtest.h>

namespace jib {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsGeometricallyWithinJitterAndCaps) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0, 0.5}, 42);
  const int64_t bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t base : bases) {
    int64_t d = b.next().count();
    EXPECT_GE(d, base);
    EXPECT_LE(d, base * 3 / 2);
  }
  EXPECT_EQ(b.attempts(), 7);
}

TEST(Backoff, ResetStartsOver) {
  Backoff b({milliseconds(100), milliseconds(10000), 2.0, 0.0}, 1);
  b.next();
  b.next();
  EXPECT_EQ(b.next(), milliseconds(400));
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(100));
}

TEST(Backoff, JitterSpreadsReplicas) {
  // Two replicas that fail at the same moment must not retry in lock step.
  Backoff a({milliseconds(1000), milliseconds(30000), 2.0, 0.5}, 1);
  Backoff b({milliseconds(1000), milliseconds(30000), 2.0, 0.5}, 2);
  int differ = 0;
  for (int i = 0; i < 5; ++i) differ += a.next() != b.next();
  EXPECT_GE(differ, 4);
}

}  // namespace
}  // namespace jib
