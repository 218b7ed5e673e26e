#include "ca/ca_material.h"

#include <utility>

#include "base/log.h"
#include "ca/root_ca.h"

namespace jib::ca {
namespace {

// The same roots in the same roles (keys follow their certificates).
bool same_roots(const StoredCa& a, const StoredCa& b) {
  return a.cert_pem == b.cert_pem && a.next_cert_pem == b.next_cert_pem &&
         a.previous_roots_pem == b.previous_roots_pem;
}

}  // namespace

std::unique_ptr<SelfSignedCa> SelfSignedCa::create(SelfSignedOptions options, CaStorePtr store,
                                                   ClockPtr clock, Authority* authority,
                                                   TrustBundlePublisher* bundles,
                                                   std::string* error) {
  std::unique_ptr<SelfSignedCa> ca(
      new SelfSignedCa(std::move(options), std::move(store), std::move(clock), authority, bundles));
  StoredCa stored;
  bool found = false;
  if (!ca->store_->load(&stored, &found, error)) return nullptr;
  if (!found) {
    RootCa root = make_self_signed_root(ca->options_.key_kind, ca->options_.trust_domain,
                                        ca->clock_->now(), ca->options_.root_ttl, error);
    if (!root.key) return nullptr;
    stored.key_pem = key_to_pem(root.key.get());
    stored.cert_pem = cert_to_pem(root.cert.get());
    if (!ca->store_->save(stored, error)) return nullptr;
    log::info("ca", "created a self-signed root CA for ", ca->options_.trust_domain);
  } else {
    log::info("ca", "loaded the self-signed root CA from the store");
  }
  std::lock_guard lock(ca->mu_);
  if (!ca->install(stored, error)) return nullptr;
  return ca;
}

bool SelfSignedCa::install(const StoredCa& stored, std::string* error) {
  TimePoint now = clock_->now();
  // A stored root that has expired while we were down is still loaded: check() replaces it.
  auto bundle =
      KeyCertBundle::create(stored.key_pem, stored.cert_pem, "", stored.cert_pem, now, error);
  if (!bundle) return false;
  StoredCa checked = stored;
  std::string next_error;
  if (!checked.next_cert_pem.empty() &&
      !KeyCertBundle::create(checked.next_key_pem, checked.next_cert_pem, "", checked.next_cert_pem,
                             now, &next_error)) {
    // Never in the bundle, nor signing later: check() makes another in its place.
    log::warn("ca", "dropping the stored next root CA: ", next_error);
    checked.next_cert_pem.clear();
    checked.next_key_pem.clear();
  }
  authority_->set_bundle(bundle);
  bundles_->publish(checked.roots());
  stored_ = std::move(checked);
  return true;
}

bool SelfSignedCa::check(std::string* error) {
  std::lock_guard lock(mu_);
  adopt_stored();
  TimePoint now = clock_->now();
  StoredCa next = stored_;
  // Old roots are only needed while certificates they signed can still be valid.
  std::erase_if(next.previous_roots_pem, [&](const std::string& pem) {
    X509Ptr c = cert_from_pem(pem);
    return !c || not_after(c.get()) <= now;
  });
  X509Ptr current = cert_from_pem(stored_.cert_pem);
  if (!current) {
    *error = "current root does not parse";
    return false;
  }
  X509Ptr next_root = next.next_cert_pem.empty() ? nullptr : cert_from_pem(next.next_cert_pem);
  if (!next_root && not_after(current.get()) - now <= options_.renew_before) {
    RootCa root = make_self_signed_root(options_.key_kind, options_.trust_domain, now,
                                        options_.root_ttl, error);
    if (!root.key) return false;
    next.next_key_pem = key_to_pem(root.key.get());
    next.next_cert_pem = cert_to_pem(root.cert.get());
    next_root = std::move(root.cert);
    log::info("ca", "new self-signed root CA: trusted from now, signing in ",
              options_.trust_lead.count(), "s");
  }
  if (next_root && next_root_may_sign(next_root.get(), current.get(), now)) {
    if (not_after(current.get()) > now)
      next.previous_roots_pem.insert(next.previous_roots_pem.begin(), stored_.cert_pem);
    next.key_pem = std::exchange(next.next_key_pem, {});
    next.cert_pem = std::exchange(next.next_cert_pem, {});
    log::info("ca",
              "the new self-signed root CA signs now; the old root stays trusted until it "
              "expires");
  }
  if (same_roots(next, stored_)) return true;
  // Persist first: a root that signed certificates but was not saved would be lost at restart.
  if (!store_->save(next, error)) return false;
  return install(next, error);
}

void SelfSignedCa::adopt_stored() {
  // Another replica sharing the store (the istio-ca-secret Secret) may have rotated the root;
  // its state wins, or this replica would keep signing with a root it alone still has. A save
  // racing that replica's fails (the Secret's resourceVersion) and is adopted at the next check.
  StoredCa stored;
  bool found = false;
  std::string error;
  if (!store_->load(&stored, &found, &error)) {
    log::warn("ca", "cannot re-read the stored CA, keeping the root in use: ", error);
    return;
  }
  if (!found || same_roots(stored, stored_)) return;
  if (!install(stored, &error)) {
    log::warn("ca", "the stored CA changed but cannot be used, keeping the root in use: ", error);
    return;
  }
  log::info("ca", "adopted the CA roots stored by another replica");
}

bool SelfSignedCa::next_root_may_sign(X509* next, X509* current, TimePoint now) const {
  // Workloads learn new roots by push (SDS, the root ConfigMap) within the lead; a root that
  // signed before they knew it would make every certificate it issued untrusted. Waiting is
  // pointless once the current root can no longer sign.
  if (not_after(current) <= now) return true;
  return now - (not_before(next) + kRootBackdate) >= options_.trust_lead;
}

bool load_plugged_ca(const std::string& dir, TimePoint now, Authority* authority,
                     TrustBundlePublisher* bundles, std::string* error) {
  std::string key, cert, chain, roots;
  if (!read_file(dir + "/ca-key.pem", &key, error) ||
      !read_file(dir + "/ca-cert.pem", &cert, error) ||
      !read_file(dir + "/root-cert.pem", &roots, error)) {
    return false;
  }
  std::string ignored;
  if (!read_file(dir + "/cert-chain.pem", &chain, &ignored)) chain.clear();
  std::vector<std::string> root_list;
  if (!split_pem_certs(roots, &root_list) || root_list.empty()) {
    *error = dir + "/root-cert.pem holds no PEM certificate";
    return false;
  }
  // The chain must end at one of the roots; try each, the first one that works signs.
  std::string last_error;
  for (size_t i = 0; i < root_list.size(); ++i) {
    auto bundle = KeyCertBundle::create(key, cert, chain, root_list[i], now, &last_error);
    if (!bundle) continue;
    if (i != 0) std::swap(root_list[0], root_list[i]);
    authority->set_bundle(bundle);
    bundles->publish(std::move(root_list));
    log::info("ca", "using the plugged-in CA from ", dir);
    return true;
  }
  *error = "plugged-in CA in " + dir + ": " + last_error;
  return false;
}

}  // namespace jib::ca
