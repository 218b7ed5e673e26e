// Time source for everything in ca/ that depends on "now": certificate validity, token expiry,
// rotation. Tests substitute a clock they can move.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace jib {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current wall-clock time. Thread-safe; may be called from any thread.
  virtual std::chrono::system_clock::time_point now() const = 0;
};
using ClockPtr = std::shared_ptr<const Clock>;

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that only moves when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start) : now_(start) {}
  std::chrono::system_clock::time_point now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void advance(std::chrono::system_clock::duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point now_;
};

}  // namespace jib
