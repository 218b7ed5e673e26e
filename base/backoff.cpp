#include "base/backoff.h"

#include <algorithm>
#include <cmath>

namespace jib {

Backoff::Backoff(BackoffOptions options, uint64_t seed) : options_(options), rng_(seed) {}

std::chrono::milliseconds Backoff::next() {
  double base = static_cast<double>(options_.initial.count()) *
                std::pow(options_.factor, std::min(attempts_, 62));
  base = std::min(base, static_cast<double>(options_.max.count()));
  ++attempts_;
  std::uniform_real_distribution<double> stretch(0.0, std::max(0.0, options_.jitter));
  return std::chrono::milliseconds(static_cast<int64_t>(base * (1.0 + stretch(rng_))));
}

}  // namespace jib
