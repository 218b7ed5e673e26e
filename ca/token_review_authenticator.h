// Authenticates a Kubernetes service-account token by asking the API server (TokenReview).
#pragma once

#include <chrono>
#include <string>

#include "base/clock.h"
#include "ca/authenticator.h"
#include "ca/token_reviewer.h"

namespace jib::ca {

struct TokenReviewAuthenticatorOptions {
  std::string audience = "istio-ca";
  // Accepted reviews are reused this long (never past the token's own exp) so that a burst of
  // CSRs does not become a burst of API calls. Refusals are not cached.
  std::chrono::seconds cache_ttl{30};
  size_t cache_max_entries = 10000;
};

AuthenticatorPtr make_token_review_authenticator(TokenReviewAuthenticatorOptions options,
                                                 TokenReviewerPtr reviewer, ClockPtr clock);

}  // namespace jib::ca
