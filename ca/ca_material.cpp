#include "ca/ca_material.h"

#include "base/log.h"
#include "ca/root_ca.h"

namespace jib::ca {

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
  std::vector<std::string> roots{stored.cert_pem};
  for (const auto& r : stored.previous_roots_pem) roots.push_back(r);
  authority_->set_bundle(bundle);
  bundles_->publish(std::move(roots));
  stored_ = stored;
  return true;
}

bool SelfSignedCa::check(std::string* error) {
  std::lock_guard lock(mu_);
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
  if (not_after(current.get()) - now <= options_.renew_before) {
    RootCa root = make_self_signed_root(options_.key_kind, options_.trust_domain, now,
                                        options_.root_ttl, error);
    if (!root.key) return false;
    if (not_after(current.get()) > now)
      next.previous_roots_pem.insert(next.previous_roots_pem.begin(), stored_.cert_pem);
    next.key_pem = key_to_pem(root.key.get());
    next.cert_pem = cert_to_pem(root.cert.get());
    log::info("ca",
              "rotating the self-signed root CA; the old root stays trusted until it expires");
  }
  if (next.cert_pem == stored_.cert_pem && next.previous_roots_pem == stored_.previous_roots_pem) {
    return true;
  }
  // Persist first: a root that signed certificates but was not saved would be lost at restart.
  if (!store_->save(next, error)) return false;
  return install(next, error);
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
