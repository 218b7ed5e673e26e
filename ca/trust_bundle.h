// The set of roots that workloads of this mesh trust, and a way to follow its changes.
// jibd puts the bundle into its xDS snapshot (SDS "ROOTCA"); ca/ knows nothing of xDS.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace jib::ca {

struct TrustBundle {
  // PEM roots, the one currently signing first. During a root rotation the previous roots stay
  // until they expire, so that certificates from both verify.
  std::vector<std::string> roots_pem;
  // Increases by one at every change; lets a consumer tell bundles apart cheaply.
  uint64_t version = 0;

  // All roots concatenated, as written to root-cert.pem files.
  std::string concatenated() const;
  bool operator==(const TrustBundle& o) const { return roots_pem == o.roots_pem; }
};
using TrustBundlePtr = std::shared_ptr<const TrustBundle>;

// Holds the current bundle and tells subscribers about changes.
class TrustBundlePublisher {
 public:
  using Callback = std::function<void(TrustBundlePtr)>;
  using SubscriptionId = uint64_t;

  // The current bundle; never null after the first publish. Thread-safe.
  TrustBundlePtr current() const;
  // Replaces the bundle when the roots differ, stamping the next version, and calls every
  // subscriber with it (on the calling thread, outside the lock). Returns true if it changed.
  bool publish(std::vector<std::string> roots_pem);
  // Calls `cb` now with the current bundle (if any) and after every change until unsubscribed.
  // Callbacks must be quick and must not call subscribe/unsubscribe.
  SubscriptionId subscribe(Callback cb);
  void unsubscribe(SubscriptionId id);

 private:
  mutable std::mutex mu_;
  TrustBundlePtr current_;
  std::map<SubscriptionId, std::shared_ptr<Callback>> subscribers_;
  SubscriptionId next_id_ = 1;
};

}  // namespace jib::ca
