// Helpers shared by the k8s/ unit tests.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace jib::k8s::testing {

// Polls pred every 5 ms for up to 5 s (generous: it only bounds a failing test).
inline bool eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace jib::k8s::testing
