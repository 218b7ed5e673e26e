#include <cpprest/http_client.h>

#include <nlohmann/json.hpp>

#include "base/ossl.h"
#include "ca/token_reviewer.h"

namespace jib::ca {
namespace {

namespace http = web::http;

class HttpTokenReviewer final : public TokenReviewer {
 public:
  HttpTokenReviewer(HttpTokenReviewerOptions options, http::client::http_client_config config)
      : options_(std::move(options)), client_(options_.url, config) {}

  bool review(const std::string& token, const std::vector<std::string>& audiences,
              TokenReviewResult* result, std::string* error) override {
    nlohmann::json body = {{"apiVersion", "authentication.k8s.io/v1"},
                           {"kind", "TokenReview"},
                           {"spec", {{"token", token}, {"audiences", audiences}}}};
    http::http_request request(http::methods::POST);
    request.headers().add("Accept", "application/json");
    if (!options_.bearer_token_file.empty()) {
      // Re-read each time: projected credentials are rotated on disk by the kubelet.
      std::string credential;
      if (!read_file(options_.bearer_token_file, &credential, error)) return false;
      while (!credential.empty() && std::isspace(static_cast<unsigned char>(credential.back()))) {
        credential.pop_back();
      }
      request.headers().add("Authorization", "Bearer " + credential);
    }
    request.set_body(body.dump(), "application/json");
    std::string text;
    try {
      http::http_response response = client_.request(request).get();
      text = response.extract_string(true).get();
      if (response.status_code() != http::status_codes::Created &&
          response.status_code() != http::status_codes::OK) {
        *error = "TokenReview returned HTTP " + std::to_string(response.status_code());
        return false;
      }
    } catch (const std::exception& e) {
      *error = std::string("TokenReview request failed: ") + e.what();
      return false;
    }
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_object()) {
      *error = "TokenReview response has no status";
      return false;
    }
    const auto& status = doc["status"];
    *result = TokenReviewResult{};
    result->authenticated = status.value("authenticated", false);
    result->error = status.value("error", "");
    if (auto user = status.find("user"); user != status.end() && user->is_object()) {
      result->username = user->value("username", "");
    }
    if (auto aud = status.find("audiences"); aud != status.end() && aud->is_array()) {
      for (const auto& a : *aud) {
        if (a.is_string()) result->audiences.push_back(a.get<std::string>());
      }
    }
    return true;
  }

 private:
  HttpTokenReviewerOptions options_;
  http::client::http_client client_;
};

}  // namespace

TokenReviewerPtr make_http_token_reviewer(HttpTokenReviewerOptions options, std::string* error) {
  http::client::http_client_config config;
  config.set_timeout(options.timeout);
  config.set_validate_certificates(true);
  if (!options.ca_file.empty()) {
    std::string ca_file = options.ca_file;
    config.set_ssl_context_callback(
        [ca_file](boost::asio::ssl::context& ctx) { ctx.load_verify_file(ca_file); });
  }
  try {
    return std::make_shared<HttpTokenReviewer>(std::move(options), config);
  } catch (const std::exception& e) {
    *error = std::string("bad TokenReview URL: ") + e.what();
    return nullptr;
  }
}

}  // namespace jib::ca
