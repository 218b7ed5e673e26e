// What the agent serves over SDS: the workload certificate (`default`) and the trust bundle
// (`ROOTCA`). One writer (the CertManager) replaces them; SDS streams read the current ones
// and are told when either changes. The private key lives here, in memory only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace jib::agent {

// A workload certificate with its key. Immutable once stored.
struct Svid {
  std::string key_pem;    // PKCS#8 private key; never logged, never written to disk
  std::string chain_pem;  // leaf first, then intermediates (the root is in the trust bundle)
  std::string spiffe_id;
  std::string serial_hex;
  std::chrono::system_clock::time_point not_after;
};

class SecretStore {
 public:
  using Listener = std::function<void()>;

  // Null until the first certificate arrives.
  std::shared_ptr<const Svid> svid() const;
  // PEM roots, possibly several (a root rotation overlaps old and new). Empty until known.
  std::string trust_bundle() const;

  // Replace the certificate or the bundle and tell every listener. A bundle equal to the
  // current one changes nothing and tells no one.
  void set_svid(std::shared_ptr<const Svid> svid);
  void set_trust_bundle(std::string pem);

  // `listener` runs after every change, on the writer's thread, with no lock of the store
  // held; it must be quick (SDS streams only wake their own thread). Returns an id for
  // unsubscribe().
  int subscribe(Listener listener);
  void unsubscribe(int id);

 private:
  void notify();

  mutable std::mutex mu_;
  std::shared_ptr<const Svid> svid_;
  std::string bundle_;
  std::mutex listeners_mu_;
  std::map<int, Listener> listeners_;
  int next_id_ = 1;
};

}  // namespace jib::agent
