#include "ca/key_cert_bundle.h"

namespace jib::ca {

std::string verify_chain(X509* leaf, const std::vector<X509*>& intermediates,
                         const std::vector<X509*>& roots, TimePoint at, int purpose) {
  X509StorePtr store(X509_STORE_new());
  for (X509* r : roots) X509_STORE_add_cert(store.get(), r);
  X509StackPtr untrusted(sk_X509_new_null());
  for (X509* c : intermediates) {
    X509_up_ref(c);
    sk_X509_push(untrusted.get(), c);
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get())) {
    return "cannot initialise verification: " + ossl_error_string();
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  if (purpose > 0) X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  if (X509_verify_cert(ctx.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

std::shared_ptr<const KeyCertBundle> KeyCertBundle::create(std::string_view key_pem,
                                                           std::string_view cert_pem,
                                                           std::string_view intermediates_pem,
                                                           std::string_view root_pem, TimePoint now,
                                                           std::string* error) {
  auto b = std::shared_ptr<KeyCertBundle>(new KeyCertBundle());
  b->key_ = key_from_pem(key_pem);
  if (!b->key_) {
    *error = "CA key is not a PEM private key";
    return nullptr;
  }
  b->cert_ = cert_from_pem(cert_pem);
  if (!b->cert_) {
    *error = "CA certificate is not PEM";
    return nullptr;
  }
  b->root_ = cert_from_pem(root_pem);
  if (!b->root_) {
    *error = "root certificate is not PEM";
    return nullptr;
  }
  if (!key_matches_cert(b->key_.get(), b->cert_.get())) {
    *error = "CA key does not match the CA certificate";
    return nullptr;
  }
  if (X509_check_ca(b->cert_.get()) != 1) {
    *error = "CA certificate is not a CA (basicConstraints CA:TRUE and keyCertSign needed)";
    return nullptr;
  }
  std::vector<X509Ptr> inter;
  if (!certs_from_pem(intermediates_pem, &inter)) {
    *error = "certificate chain is not PEM";
    return nullptr;
  }
  // Istio's cert-chain.pem starts with the CA cert itself and may end with the root; keep
  // only what lies strictly between, in order.
  std::vector<X509*> middle;
  for (auto& c : inter) {
    if (X509_cmp(c.get(), b->cert_.get()) == 0 || X509_cmp(c.get(), b->root_.get()) == 0) continue;
    middle.push_back(c.get());
  }
  bool self_signed = X509_cmp(b->cert_.get(), b->root_.get()) == 0;
  if (!self_signed) {
    std::string err = verify_chain(b->cert_.get(), middle, {b->root_.get()}, now, -1);
    if (!err.empty()) {
      *error = "CA certificate does not chain to the root: " + err;
      return nullptr;
    }
    b->chain_pem_.push_back(cert_to_pem(b->cert_.get()));
    for (X509* c : middle) b->chain_pem_.push_back(cert_to_pem(c));
  }
  b->chain_pem_.push_back(cert_to_pem(b->root_.get()));
  return b;
}

}  // namespace jib::ca
