#include "agent/renewal.h"

#include <algorithm>

namespace jib::agent {

RenewalPolicy::RenewalPolicy(RenewalOptions options, uint64_t seed)
    : options_(options), rng_(seed) {}

RenewalPolicy::TimePoint RenewalPolicy::renew_at(TimePoint received, TimePoint not_after) {
  if (not_after <= received) return received;
  auto lifetime = std::chrono::duration<double>(not_after - received);
  double low = std::max(0.0, options_.fraction - options_.jitter);
  double high = std::max(low, options_.fraction);
  std::uniform_real_distribution<double> pick(low, high);
  double at = low == high ? low : pick(rng_);
  return received + std::chrono::duration_cast<std::chrono::system_clock::duration>(lifetime * at);
}

bool valid_renewal_options(const RenewalOptions& o) {
  return o.jitter >= 0 && o.fraction - o.jitter > 0 && o.fraction < 1;
}

}  // namespace jib::agent
