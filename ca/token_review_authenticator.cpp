#include "ca/token_review_authenticator.h"

#include <openssl/evp.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "ca/jwt.h"

namespace jib::ca {
namespace {

// The cache is keyed by a digest so that no bearer token is kept in memory longer than the
// request that carried it.
std::string token_digest(const std::string& token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

class TokenReviewAuthenticator final : public Authenticator {
 public:
  TokenReviewAuthenticator(TokenReviewAuthenticatorOptions options, TokenReviewerPtr reviewer,
                           ClockPtr clock)
      : options_(std::move(options)), reviewer_(std::move(reviewer)), clock_(std::move(clock)) {}

  std::string name() const override { return "kube-tokenreview"; }

  AuthResult authenticate(const AuthRequest& request) override {
    if (!request.bearer_token) return AuthResult::NotApplicable();
    const std::string& token = *request.bearer_token;
    const std::string key = token_digest(token);
    const auto now = clock_->now();
    {
      std::lock_guard lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end()) {
        if (it->second.expires > now) return AuthResult::Accepted(it->second.sa);
        cache_.erase(it);
      }
    }
    TokenReviewResult review;
    std::string error;
    if (!reviewer_->review(token, {options_.audience}, &review, &error)) {
      return AuthResult::Denied(error);
    }
    if (!review.authenticated) {
      return AuthResult::Denied("TokenReview: token is not authenticated" +
                                (review.error.empty() ? "" : " (" + review.error + ")"));
    }
    // An API server that ignores spec.audiences returns none; that must not pass for ours.
    if (std::find(review.audiences.begin(), review.audiences.end(), options_.audience) ==
        review.audiences.end()) {
      return AuthResult::Denied("TokenReview: token is not valid for audience \"" +
                                options_.audience + "\"");
    }
    auto sa = parse_k8s_username(review.username);
    if (!sa) {
      return AuthResult::Denied("TokenReview: user \"" + review.username +
                                "\" is not a service account");
    }
    remember(key, *sa, now, token);
    return AuthResult::Accepted(*sa);
  }

 private:
  struct Entry {
    ServiceAccount sa;
    std::chrono::system_clock::time_point expires;
  };

  void remember(const std::string& key, const ServiceAccount& sa,
                std::chrono::system_clock::time_point now, const std::string& token) {
    auto expires = now + options_.cache_ttl;
    // The token's own exp (read unverified, only ever to shorten) bounds the cache entry.
    nlohmann::json claims;
    if (peek_jwt_claims(token, &claims) && claims.contains("exp") && claims["exp"].is_number()) {
      auto exp =
          std::chrono::system_clock::time_point(std::chrono::seconds(claims["exp"].get<int64_t>()));
      expires = std::min(expires, exp);
    }
    std::lock_guard lock(mu_);
    if (cache_.size() >= options_.cache_max_entries) {
      std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
      if (cache_.size() >= options_.cache_max_entries) cache_.clear();
    }
    cache_[key] = Entry{sa, expires};
  }

  TokenReviewAuthenticatorOptions options_;
  TokenReviewerPtr reviewer_;
  ClockPtr clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace

AuthenticatorPtr make_token_review_authenticator(TokenReviewAuthenticatorOptions options,
                                                 TokenReviewerPtr reviewer, ClockPtr clock) {
  return std::make_unique<TokenReviewAuthenticator>(std::move(options), std::move(reviewer),
                                                    std::move(clock));
}

}  // namespace jib::ca
