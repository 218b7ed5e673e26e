#include "base/descriptors.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

namespace jib {
namespace {

TEST(DescriptorAvailable, TrueWithHeadroom) {
  std::string reason;
  EXPECT_TRUE(descriptor_available(&reason)) << reason;
}

TEST(DescriptorAvailable, FalseWhenTheLimitIsReached) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // open() returns the lowest free descriptor, so every one below it is taken: a soft limit
  // of that number leaves none.
  int lowest_free = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(lowest_free, 0);
  ::close(lowest_free);
  rlimit exhausted = saved;
  exhausted.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &exhausted), 0);
  std::string reason;
  const bool available = descriptor_available(&reason);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_FALSE(available);
  EXPECT_NE(reason.find("Too many open files"), std::string::npos) << reason;
  EXPECT_TRUE(descriptor_available(&reason));
}

}  // namespace
}  // namespace jib
