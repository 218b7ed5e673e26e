// The seam to Kubernetes' TokenReview API. Today a plain HTTPS POST; the k8s/ client will
// provide another implementation later.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace jib::ca {

struct TokenReviewResult {
  bool authenticated = false;          // status.authenticated
  std::string username;                // status.user.username
  std::vector<std::string> audiences;  // status.audiences
  std::string error;                   // status.error, if the server gave one
};

class TokenReviewer {
 public:
  virtual ~TokenReviewer() = default;
  // Asks the API server to review `token` for `audiences`. Returns true with *result when the
  // server answered (the answer may be "not authenticated"); false with *error when no answer
  // was obtained (network, HTTP status, malformed body). Thread-safe; bounded by a timeout.
  virtual bool review(const std::string& token, const std::vector<std::string>& audiences,
                      TokenReviewResult* result, std::string* error) = 0;
};
using TokenReviewerPtr = std::shared_ptr<TokenReviewer>;

struct HttpTokenReviewerOptions {
  // Full URL of the TokenReview collection, e.g.
  // https://kubernetes.default.svc/apis/authentication.k8s.io/v1/tokenreviews
  std::string url;
  std::string bearer_token_file;  // the reviewer's own credential; re-read on every call
  std::string ca_file;            // PEM roots for the server; system roots when empty
  std::chrono::seconds timeout{5};
};

// Null with *error when the options are unusable (bad URL).
TokenReviewerPtr make_http_token_reviewer(HttpTokenReviewerOptions options, std::string* error);

}  // namespace jib::ca
