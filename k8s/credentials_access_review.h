// Who may read gateway credentials on Kubernetes: the cluster's RBAC, asked as istiod asks it
// (CredentialsController.Authorize): a SubjectAccessReview for user
// system:serviceaccount:<ns>:<sa>, verb "list" on "secrets" in <ns>. So the gateway RBAC users
// already have for Istio (its gateway chart grants get/watch/list on secrets) works unchanged.
#pragma once

#include <chrono>
#include <cstddef>

#include "base/clock.h"
#include "k8s/kube_client.h"
#include "xds/serve/credentials_authorizer.h"

namespace jib::k8s {

struct CredentialsReviewOptions {
  // How long an answer is reused, per caller. Denials (and failed reviews, which refuse) are
  // kept shorter, so that a newly granted permission is seen soon; grants longer, so that
  // gateways cost the API server little. Istio's: 5 min and 1 min.
  std::chrono::milliseconds allow_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds deny_ttl{std::chrono::minutes(1)};
  size_t max_entries = 10000;  // past this, expired entries go, then all
};

// Each review goes through `client` (its timeout bounds the call). Thread-safe.
xds::CredentialsAuthorizerPtr make_kube_credentials_authorizer(KubeClientPtr client,
                                                               CredentialsReviewOptions options,
                                                               ClockPtr clock);

}  // namespace jib::k8s
