// Where the CA's signing material comes from, in Istio's two modes: a self-signed root made
// at first start, persisted and rotated before expiry; or an operator's plugged-in CA
// directory in Istio's cacerts layout, used as is.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "ca/authority.h"
#include "ca/ca_store.h"
#include "ca/trust_bundle.h"

namespace jib::ca {

struct SelfSignedOptions {
  std::string trust_domain = "cluster.local";
  std::string key_kind = "ec";  // "ec", "ec384", "rsa2048", ...
  std::chrono::seconds root_ttl{std::chrono::hours(24 * 365 * 10)};
  // The root is replaced once it has less than this left to live.
  std::chrono::seconds renew_before{std::chrono::hours(24 * 365)};
  // A new root is in the trust bundle this long before it starts signing.
  std::chrono::seconds trust_lead{std::chrono::minutes(10)};
};

class SelfSignedCa {
 public:
  // Loads the root from `store`, or makes and saves one when the store is empty, then installs
  // it into `authority` and `bundles`. Null with *error when stored material is unreadable or
  // inconsistent (never silently replaced: that would break trust for the whole mesh).
  static std::unique_ptr<SelfSignedCa> create(SelfSignedOptions options, CaStorePtr store,
                                              ClockPtr clock, Authority* authority,
                                              TrustBundlePublisher* bundles, std::string* error);

  // Makes a new root once the current one is within renew_before of expiry, trusted at once but
  // signing only trust_lead later (the old root stays in the bundle until it expires), and
  // drops expired old roots; first adopts what another replica stored. Returns false with
  // *error if a step was due but failed; the current root then keeps signing. Called
  // periodically.
  bool check(std::string* error);

 private:
  SelfSignedCa(SelfSignedOptions o, CaStorePtr s, ClockPtr c, Authority* a, TrustBundlePublisher* b)
      : options_(std::move(o)),
        store_(std::move(s)),
        clock_(std::move(c)),
        authority_(a),
        bundles_(b) {}
  bool install(const StoredCa& stored, std::string* error);
  void adopt_stored();
  bool next_root_may_sign(X509* next, X509* current, TimePoint now) const;

  SelfSignedOptions options_;
  CaStorePtr store_;
  ClockPtr clock_;
  Authority* authority_;
  TrustBundlePublisher* bundles_;
  std::mutex mu_;
  StoredCa stored_;
};

// Loads ca-cert.pem, ca-key.pem, cert-chain.pem and root-cert.pem from `dir` (Istio's cacerts
// layout), checks that they belong together, and installs them. root-cert.pem may hold several
// roots; all go into the trust bundle.
bool load_plugged_ca(const std::string& dir, TimePoint now, Authority* authority,
                     TrustBundlePublisher* bundles, std::string* error);

}  // namespace jib::ca
