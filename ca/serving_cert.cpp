#include "ca/serving_cert.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace jib::ca {

ServingCert::ServingCert(std::string dir, std::vector<std::string> sans, std::chrono::seconds ttl,
                         const Authority* authority, ClockPtr clock)
    : dir_(std::move(dir)),
      key_path_(dir_ + "/key.pem"),
      chain_path_(dir_ + "/cert-chain.pem"),
      sans_(std::move(sans)),
      ttl_(ttl),
      authority_(authority),
      clock_(std::move(clock)) {}

bool ServingCert::renew_if_needed(std::string* error) {
  KeyCertBundlePtr ca = authority_->bundle();
  TimePoint now = clock_->now();
  if (key_ && ca == issued_by_ && now < renew_at_) return true;
  if (!make_dirs(dir_, error)) return false;
  bool new_key = !key_;
  if (new_key) {
    key_ = generate_key("ec");
    if (!key_) {
      *error = "cannot generate serving key: " + ossl_error_string();
      return false;
    }
  }
  std::vector<std::string> chain;
  CaStatus st = authority_->sign_server(key_.get(), sans_, ttl_, &chain);
  if (!st.ok()) {
    *error = "cannot issue serving certificate: " + st.message;
    return false;
  }
  // The root is not part of what a server presents.
  chain.pop_back();
  std::string chain_text;
  for (const auto& c : chain) chain_text += c;
  if ((new_key && !write_file_atomic(key_path_, key_to_pem(key_.get()), 0600, error)) ||
      !write_file_atomic(chain_path_, chain_text, 0644, error)) {
    return false;
  }
  X509Ptr leaf = cert_from_pem(chain.front());
  TimePoint end = not_after(leaf.get());
  // Halfway through what is left from now, not from the back-dated NotBefore: near the end of
  // a root's life (which clips the certificate) that would already be past.
  renew_at_ = now + (end - now) / 2;
  issued_by_ = ca;
  log::info("ca", "serving certificate issued, valid for ",
            std::chrono::duration_cast<std::chrono::seconds>(end - now).count(), "s");
  return true;
}

}  // namespace jib::ca
