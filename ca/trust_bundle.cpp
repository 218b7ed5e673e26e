#include "ca/trust_bundle.h"

namespace jib::ca {

std::string TrustBundle::concatenated() const {
  std::string out;
  for (const auto& r : roots_pem) out += r;
  return out;
}

TrustBundlePtr TrustBundlePublisher::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

bool TrustBundlePublisher::publish(std::vector<std::string> roots_pem) {
  std::vector<std::shared_ptr<Callback>> to_call;
  TrustBundlePtr bundle;
  {
    std::lock_guard lock(mu_);
    if (current_ && current_->roots_pem == roots_pem) return false;
    auto next = std::make_shared<TrustBundle>();
    next->roots_pem = std::move(roots_pem);
    next->version = current_ ? current_->version + 1 : 1;
    current_ = next;
    bundle = next;
    for (auto& [id, cb] : subscribers_) to_call.push_back(cb);
  }
  for (auto& cb : to_call) (*cb)(bundle);
  return true;
}

TrustBundlePublisher::SubscriptionId TrustBundlePublisher::subscribe(Callback cb) {
  auto shared = std::make_shared<Callback>(std::move(cb));
  TrustBundlePtr now;
  SubscriptionId id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    subscribers_[id] = shared;
    now = current_;
  }
  if (now) (*shared)(now);
  return id;
}

void TrustBundlePublisher::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

}  // namespace jib::ca
