// When to renew a workload certificate. As Istio's agent does, the lifetime is counted from
// the moment the certificate arrived, not from its NotBefore: the CA back-dates NotBefore for
// clock skew (two minutes in jibd), which would make short-lived certificates renew too late.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace jib::agent {

struct RenewalOptions {
  double fraction = 0.8;  // renew after this fraction of the lifetime
  // Spread: the renewal lands uniformly in [fraction - jitter, fraction] of the lifetime, so
  // that workloads started together do not hit the CA together.
  double jitter = 0.05;
};

class RenewalPolicy {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  explicit RenewalPolicy(RenewalOptions options, uint64_t seed = std::random_device{}());
  // The time at which a certificate received at `received` and expiring at `not_after` should
  // be renewed. Never before `received`; an already expired certificate renews at once.
  TimePoint renew_at(TimePoint received, TimePoint not_after);

 private:
  RenewalOptions options_;
  std::mt19937_64 rng_;
};

// True when fraction and jitter make sense: 0 < fraction - jitter, fraction < 1, jitter >= 0.
bool valid_renewal_options(const RenewalOptions& options);

}  // namespace jib::agent
