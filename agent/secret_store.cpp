#include "agent/secret_store.h"

#include <vector>

namespace jib::agent {

std::shared_ptr<const Svid> SecretStore::svid() const {
  std::lock_guard lock(mu_);
  return svid_;
}

std::string SecretStore::trust_bundle() const {
  std::lock_guard lock(mu_);
  return bundle_;
}

void SecretStore::set_svid(std::shared_ptr<const Svid> svid) {
  {
    std::lock_guard lock(mu_);
    svid_ = std::move(svid);
  }
  notify();
}

void SecretStore::set_trust_bundle(std::string pem) {
  {
    std::lock_guard lock(mu_);
    if (pem == bundle_) return;
    bundle_ = std::move(pem);
  }
  notify();
}

int SecretStore::subscribe(Listener listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.emplace(next_id_, std::move(listener));
  return next_id_++;
}

void SecretStore::unsubscribe(int id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

void SecretStore::notify() {
  // Holding listeners_mu_ while calling keeps unsubscribe() from returning while its
  // listener still runs, so a stream can go away safely right after unsubscribing.
  std::lock_guard lock(listeners_mu_);
  for (auto& [id, listener] : listeners_) listener();
}

}  // namespace jib::agent
