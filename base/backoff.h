// Exponential backoff with jitter for every retry loop (CA calls from the agent, watches of the
// API server): clients that lose a server at the same moment must not come back in lock step.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace jib {

struct BackoffOptions {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
  double factor = 2.0;
  double jitter = 0.5;  // each delay is stretched by a random fraction in [0, jitter]
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, uint64_t seed = std::random_device{}());
  // The delay before the next attempt: initial * factor^n capped at max, plus jitter (so at
  // most max * (1 + jitter)). Each call counts one failed attempt.
  std::chrono::milliseconds next();
  // After a success: the next failure waits about `initial` again.
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  BackoffOptions options_;
  std::mt19937_64 rng_;
  int attempts_ = 0;
};

}  // namespace jib
