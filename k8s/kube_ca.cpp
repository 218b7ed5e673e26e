#include "k8s/kube_ca.h"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "k8s/resources.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {

constexpr std::string_view kLog = "ca";

class KubeTokenReviewer final : public ca::TokenReviewer {
 public:
  explicit KubeTokenReviewer(KubeClientPtr client) : client_(std::move(client)) {}

  bool review(const std::string& token, const std::vector<std::string>& audiences,
              ca::TokenReviewResult* result, std::string* error) override {
    nlohmann::json body = {{"apiVersion", "authentication.k8s.io/v1"},
                           {"kind", "TokenReview"},
                           {"spec", {{"token", token}, {"audiences", audiences}}}};
    Result r = client_->create(resources::token_reviews(), "", body);
    if (!r.ok()) {
      *error = "TokenReview: " + r.error;
      return false;
    }
    const auto status = r.body.find("status");
    if (status == r.body.end() || !status->is_object()) {
      *error = "TokenReview response has no status";
      return false;
    }
    *result = ca::TokenReviewResult{};
    result->authenticated = status->value("authenticated", false);
    result->error = status->value("error", "");
    if (auto user = status->find("user"); user != status->end() && user->is_object()) {
      result->username = user->value("username", "");
    }
    if (auto aud = status->find("audiences"); aud != status->end() && aud->is_array()) {
      for (const auto& a : *aud) {
        if (a.is_string()) result->audiences.push_back(a.get<std::string>());
      }
    }
    return true;
  }

 private:
  KubeClientPtr client_;
};

// Secret data value `key`, base64-decoded; empty when absent.
bool secret_value(const nlohmann::json& secret, const char* key, std::string* out,
                  std::string* error) {
  out->clear();
  auto data = secret.find("data");
  if (data == secret.end() || !data->is_object()) return true;
  auto v = data->find(key);
  if (v == data->end() || !v->is_string()) return true;
  if (!base64_decode(v->get<std::string>(), out)) {
    *error = std::string("data.") + key + " is not valid base64";
    return false;
  }
  return true;
}

class SecretCaStore final : public ca::CaStore {
 public:
  SecretCaStore(KubeClientPtr client, SecretCaStoreOptions options)
      : client_(std::move(client)), options_(std::move(options)) {}

  bool load(ca::StoredCa* out, bool* found, std::string* error) override {
    bool waiting_logged = false;
    while (true) {
      Result r = client_->get(resources::secrets(), options_.ns, kCaSecret);
      if (r.ok()) return decode(r.body, out, found, error);
      if (!r.not_found()) {
        *error = "cannot read Secret " + options_.ns + "/" + kCaSecret + ": " + r.error;
        return false;
      }
      if (options_.may_create()) {
        *found = false;
        return true;
      }
      if (!waiting_logged) {
        log::info(kLog, "no ", kCaSecret, " yet; waiting for the leader to create the root");
        waiting_logged = true;
      }
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait_for(lock, options_.stop, std::chrono::milliseconds(500), [] { return false; });
      if (options_.stop.stop_requested()) {
        *error = "stopped while waiting for " + std::string(kCaSecret);
        return false;
      }
    }
  }

  bool save(const ca::StoredCa& stored, std::string* error) override {
    std::string roots;
    for (const auto& root : stored.roots()) roots += root;
    // Istio's keys, and the next root of a rotation under way in keys of our own.
    nlohmann::json data = {{"ca-cert.pem", base64_encode(stored.cert_pem)},
                           {"ca-key.pem", base64_encode(stored.key_pem)},
                           {"cert-chain.pem", ""},
                           {"root-cert.pem", base64_encode(roots)},
                           {"next-ca-cert.pem", base64_encode(stored.next_cert_pem)},
                           {"next-ca-key.pem", base64_encode(stored.next_key_pem)}};
    const Resource secrets = resources::secrets();
    Result got = client_->get(secrets, options_.ns, kCaSecret);
    Result r;
    if (got.not_found()) {
      nlohmann::json secret = {{"apiVersion", "v1"},
                               {"kind", "Secret"},
                               {"metadata", {{"name", kCaSecret}, {"namespace", options_.ns}}},
                               {"type", "istio.io/ca-root"},
                               {"data", data}};
      r = client_->create(secrets, options_.ns, secret);
    } else if (got.ok()) {
      nlohmann::json secret = got.body;  // keeps resourceVersion: a racing writer gets 409
      secret["data"] = data;
      r = client_->update(secrets, options_.ns, kCaSecret, secret);
    } else {
      r = got;
    }
    if (!r.ok()) {
      *error = "cannot write Secret " + options_.ns + "/" + kCaSecret + ": " + r.error;
      return false;
    }
    log::info(kLog, "stored the CA root in Secret ", options_.ns, "/", kCaSecret);
    return true;
  }

 private:
  bool decode(const nlohmann::json& secret, ca::StoredCa* out, bool* found, std::string* error) {
    ca::StoredCa stored;
    std::string roots;
    if (!secret_value(secret, "ca-cert.pem", &stored.cert_pem, error) ||
        !secret_value(secret, "ca-key.pem", &stored.key_pem, error) ||
        !secret_value(secret, "root-cert.pem", &roots, error) ||
        !secret_value(secret, "next-ca-cert.pem", &stored.next_cert_pem, error) ||
        !secret_value(secret, "next-ca-key.pem", &stored.next_key_pem, error)) {
      *error = "Secret " + options_.ns + "/" + kCaSecret + ": " + *error;
      return false;
    }
    if (stored.cert_pem.empty() || stored.key_pem.empty()) {
      *error = "Secret " + options_.ns + "/" + kCaSecret + " lacks ca-cert.pem or ca-key.pem";
      return false;
    }
    std::string current = trim(stored.cert_pem), next = trim(stored.next_cert_pem);
    for (auto& root : split_pem_certs(roots)) {
      if (trim(root) != current && trim(root) != next)
        stored.previous_roots_pem.push_back(std::move(root));
    }
    *out = std::move(stored);
    *found = true;
    return true;
  }

  KubeClientPtr client_;
  SecretCaStoreOptions options_;
};

bool write_file(const std::string& path, const std::string& content, mode_t mode,
                std::string* error) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << content)) {
      *error = "cannot write " + tmp;
      return false;
    }
  }
  chmod(tmp.c_str(), mode);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *error = "cannot rename " + tmp + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

ca::TokenReviewerPtr make_kube_token_reviewer(KubeClientPtr client) {
  return std::make_shared<KubeTokenReviewer>(std::move(client));
}

ca::CaStorePtr make_secret_ca_store(KubeClientPtr client, SecretCaStoreOptions options) {
  return std::make_unique<SecretCaStore>(std::move(client), std::move(options));
}

bool fetch_plugged_ca(KubeClient& client, const std::string& ns, const std::string& dir,
                      bool* found, std::string* error) {
  Result r = client.get(resources::secrets(), ns, kPluggedCaSecret);
  if (r.not_found()) {
    *found = false;
    return true;
  }
  if (!r.ok()) {
    *error = "cannot read Secret " + ns + "/" + kPluggedCaSecret + ": " + r.error;
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  chmod(dir.c_str(), 0700);
  for (const char* key : {"ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"}) {
    std::string value;
    if (!secret_value(r.body, key, &value, error)) {
      *error = "Secret " + ns + "/" + kPluggedCaSecret + ": " + *error;
      return false;
    }
    mode_t mode = std::string_view(key) == "ca-key.pem" ? 0600 : 0644;
    if (!write_file(dir + "/" + key, value, mode, error)) return false;
  }
  *found = true;
  return true;
}

}  // namespace jib::k8s
