// The push queue is the one debouncer: a quiet period, bounded by the maximum delay from the
// first change, and one merged change set per push.
#include "xds/serve/push_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace jib::xds {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Pushes {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<Clock::time_point, PushRequest>> seen;

  PushQueue::PushFn fn() {
    return [this](PushRequest request) {
      std::lock_guard lock(mutex);
      seen.emplace_back(Clock::now(), std::move(request));
      cv.notify_all();
    };
  }
  bool wait_for(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return seen.size() >= n; });
  }
};

mesh::ChangeEvent event(uint64_t generation, std::string name) {
  auto state = std::make_shared<mesh::StoreState>();
  state->generation = generation;
  return mesh::ChangeEvent{generation, {mesh::ConfigKey{"VirtualService", "default", name}}, state};
}

TEST(PushQueue, ASteadyStreamOfChangesIsPushedWithinTheMaximumDelay) {
  Pushes pushes;
  PushQueue queue({.quiet = 100ms, .max_delay = 300ms, .mesh_config = {}}, pushes.fn());
  queue.start();
  const auto first = Clock::now();
  // A change every 30 ms never leaves the quiet period of 100 ms.
  uint64_t generation = 1;
  while (Clock::now() - first < 800ms) {
    queue.enqueue(event(generation, "vs" + std::to_string(generation)));
    ++generation;
    std::this_thread::sleep_for(30ms);
  }
  ASSERT_TRUE(pushes.wait_for(1, 1s));
  queue.stop();
  std::lock_guard lock(pushes.mutex);
  // Scheduling slack on a busy machine; far below the 800 ms the changes went on for.
  EXPECT_LE(pushes.seen[0].first - first, 300ms + 150ms);
  EXPECT_GE(pushes.seen.size(), 2u);
  const PushRequest& request = pushes.seen[0].second;
  EXPECT_GT(request.changed.size(), 1u);  // the window's changes, merged
  EXPECT_TRUE(request.complete);
  EXPECT_EQ(request.from_generation, 0u);
  EXPECT_EQ(request.snapshot->generation(), request.from_generation + request.changed.size());
}

TEST(PushQueue, QuietPeriodMergesABurstIntoOnePush) {
  Pushes pushes;
  PushQueue queue({.quiet = 50ms, .max_delay = 1000ms, .mesh_config = {}}, pushes.fn());
  queue.start();
  queue.enqueue(event(1, "a"));
  queue.enqueue(event(2, "b"));
  ASSERT_TRUE(pushes.wait_for(1, 1s));
  std::this_thread::sleep_for(150ms);
  queue.stop();
  std::lock_guard lock(pushes.mutex);
  ASSERT_EQ(pushes.seen.size(), 1u);
  EXPECT_EQ(pushes.seen[0].second.changed.size(), 2u);
  EXPECT_TRUE(pushes.seen[0].second.complete);
}

TEST(PushQueue, AMissedStoreChangeMakesTheChangeSetIncomplete) {
  Pushes pushes;
  PushQueue queue({.quiet = 20ms, .max_delay = 1000ms, .mesh_config = {}}, pushes.fn());
  queue.start();
  queue.enqueue(event(1, "a"));
  queue.enqueue(event(3, "c"));  // generation 2 never arrived
  ASSERT_TRUE(pushes.wait_for(1, 1s));
  queue.set_trust_roots(std::make_shared<const std::string>("ROOTS"), event(3, "c").state);
  ASSERT_TRUE(pushes.wait_for(2, 1s));
  queue.stop();
  std::lock_guard lock(pushes.mutex);
  EXPECT_FALSE(pushes.seen[0].second.complete);
  const PushRequest& roots = pushes.seen[1].second;
  EXPECT_TRUE(roots.complete);
  EXPECT_TRUE(roots.trust_roots_changed);
  EXPECT_TRUE(roots.changed.empty());
  EXPECT_EQ(roots.from_generation, 3u);
  EXPECT_EQ(roots.snapshot->trust_roots(), "ROOTS");
}

}  // namespace
}  // namespace jib::xds
