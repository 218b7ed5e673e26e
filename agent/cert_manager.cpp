#include "agent/cert_manager.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <random>

#include "base/log.h"
#include "base/ossl.h"

namespace jib::agent {
namespace {

std::string serial_hex(X509* cert) {
  jib::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  return out;
}

std::string first_uri_san(X509* cert) {
  jib::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return "";
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type != GEN_URI) continue;
    const ASN1_STRING* s = n->d.uniformResourceIdentifier;
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return "";
}

std::string format_time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint64_t seed_or_random(uint64_t seed) { return seed ? seed : std::random_device{}(); }

}  // namespace

CertManager::CertManager(CertManagerOptions options, SecretStore* store)
    : options_(std::move(options)),
      store_(store),
      policy_(options_.renewal, seed_or_random(options_.seed)),
      backoff_(options_.backoff, seed_or_random(options_.seed) + 1) {
  if (!options_.clock) options_.clock = std::make_shared<jib::SystemClock>();
  if (!options_.ca_call) options_.ca_call = request_certificate;
}

CertManager::~CertManager() { stop(); }

void CertManager::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      TimePoint next = step();
      lock.lock();
      // Waits in wall-clock terms, as renewal times are wall-clock times (certificates).
      cv_.wait_for(lock, std::max(next - options_.clock->now(), TimePoint::duration::zero()),
                   [this] { return stopping_; });
    }
  });
}

void CertManager::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

CertManager::TimePoint CertManager::step() {
  TimePoint now = options_.clock->now();
  if (now >= next_root_poll_) {
    poll_root_file();
    next_root_poll_ = now + options_.root_poll;
  }
  if (now >= next_fetch_) {
    std::string error;
    if (fetch(&error)) {
      backoff_.reset();
    } else {
      auto delay = backoff_.next();
      next_fetch_ = now + delay;
      auto svid = store_->svid();
      log::warn("agent", "certificate request failed (attempt ", backoff_.attempts(), "): ", error,
                "; retrying in ", delay.count(), " ms",
                svid ? "; still serving serial " + svid->serial_hex + " valid until " +
                           format_time(svid->not_after)
                     : std::string("; no certificate yet"));
    }
  }
  return std::min(next_fetch_, next_root_poll_);
}

bool CertManager::fetch(std::string* error) {
  CaCallOptions call;
  call.address = options_.ca_address;
  call.server_name = options_.ca_server_name;
  call.timeout = options_.ca_timeout;
  call.roots_pem = store_->trust_bundle();
  if (call.roots_pem.empty()) {
    *error = "no mesh root to verify the CA with (--ca-root-cert)";
    return false;
  }
  auto current = store_->svid();
  if (!options_.token_file.empty()) {
    std::string token;
    if (!jib::read_file(options_.token_file, &token, error)) return false;
    call.token = trim_right(token);
  } else if (current) {
    // Without a token, the current certificate is the credential (renewal by mTLS).
    call.client_key_pem = current->key_pem;
    call.client_chain_pem = current->chain_pem;
  }

  // A fresh key for every certificate, as Istio's agent does: a key outlives no certificate.
  jib::PkeyPtr key = jib::generate_key(key_kind(options_.key_type));
  if (!key) {
    *error = "key generation failed: " + jib::ossl_error_string();
    return false;
  }
  std::string csr = make_csr_pem(key.get(), options_.spiffe_id);
  if (csr.empty()) {
    *error = "CSR generation failed: " + jib::ossl_error_string();
    return false;
  }
  std::vector<std::string> chain;
  grpc::Status status = options_.ca_call(call, csr, options_.cert_ttl.count(), &chain);
  if (!status.ok()) {
    *error = std::string(grpc_code_name(status.error_code())) + ": " + status.error_message();
    return false;
  }
  if (chain.empty()) {
    *error = "the CA answered with no certificate";
    return false;
  }
  jib::X509Ptr leaf = jib::cert_from_pem(chain.front());
  if (!leaf || !jib::key_matches_cert(key.get(), leaf.get())) {
    *error = "the CA's certificate does not match our key";
    return false;
  }
  auto svid = std::make_shared<Svid>();
  svid->key_pem = jib::key_to_pem(key.get());
  // The root goes to ROOTCA, not into the served chain; a lone certificate is served as is.
  size_t served = chain.size() >= 2 ? chain.size() - 1 : chain.size();
  for (size_t i = 0; i < served; ++i) svid->chain_pem += chain[i];
  svid->serial_hex = serial_hex(leaf.get());
  svid->spiffe_id = first_uri_san(leaf.get());
  svid->not_after = jib::not_after(leaf.get());

  TimePoint received = options_.clock->now();
  next_fetch_ = policy_.renew_at(received, svid->not_after);
  if (chain.size() >= 2) ca_root_ = chain.back();
  log::info("agent", "certificate serial ", svid->serial_hex, " for ", svid->spiffe_id,
            " valid until ", format_time(svid->not_after), "; renewing at ",
            format_time(next_fetch_));
  store_->set_svid(std::move(svid));
  publish_bundle();
  return true;
}

void CertManager::poll_root_file() {
  if (options_.root_cert_file.empty()) return;
  std::string text, error;
  if (!jib::read_file(options_.root_cert_file, &text, &error)) {
    log::warn("agent", "cannot read the mesh root file: ", error, "; keeping the last one");
    return;
  }
  if (text == root_file_text_) return;
  std::vector<std::string> roots;
  if (!jib::split_pem_certs(text, &roots) || roots.empty()) {
    // A half-written file (ConfigMap updates are atomic, editors are not) is retried later.
    log::warn("agent", "mesh root file ", options_.root_cert_file,
              " holds no valid certificate; keeping the last roots");
    return;
  }
  root_file_text_ = text;
  file_roots_ = std::move(roots);
  log::info("agent", "mesh root file has ", file_roots_.size(), " root(s)");
  publish_bundle();
}

void CertManager::publish_bundle() {
  // File roots first (they carry both roots during a rotation), then the CA's current root if
  // the file does not have it yet.
  std::vector<std::string> roots = file_roots_;
  std::vector<std::string> from_ca;
  if (!ca_root_.empty() && jib::split_pem_certs(ca_root_, &from_ca)) {
    for (auto& r : from_ca) {
      if (std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
    }
  }
  std::string bundle;
  for (const auto& r : roots) bundle += r;
  store_->set_trust_bundle(std::move(bundle));
}

}  // namespace jib::agent
