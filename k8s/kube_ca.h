// The CA's Kubernetes seams: TokenReview through the KubeClient, the self-signed root persisted
// in the istio-ca-secret Secret, and a plugged-in CA read from the cacerts Secret.
#pragma once

#include <functional>
#include <stop_token>
#include <string>

#include "ca/ca_store.h"
#include "ca/token_reviewer.h"
#include "k8s/kube_client.h"

namespace jib::k8s {

inline constexpr const char* kCaSecret = "istio-ca-secret";
inline constexpr const char* kPluggedCaSecret = "cacerts";

// POSTs a TokenReview with spec.audiences; the authenticator checks status.audiences.
ca::TokenReviewerPtr make_kube_token_reviewer(KubeClientPtr client);

struct SecretCaStoreOptions {
  std::string ns = "istio-system";
  // True when this replica may create the root (it leads, or election is off). While it is false
  // and no root is stored, load() waits for the leader to store one, so that replicas never
  // make different roots.
  std::function<bool()> may_create = [] { return true; };
  std::stop_token stop;  // ends that wait (load fails)
};

// Stores the self-signed root in the Secret istio-ca-secret with Istio's keys: ca-cert.pem,
// ca-key.pem, cert-chain.pem (empty for a self-signed root) and root-cert.pem (the current root
// followed by earlier roots still trusted).
ca::CaStorePtr make_secret_ca_store(KubeClientPtr client, SecretCaStoreOptions options);

// When the cacerts Secret exists, writes its keys (ca-cert.pem, ca-key.pem, cert-chain.pem,
// root-cert.pem) to dir (0700, key 0600) and sets *found. False with *error on API or file
// errors.
bool fetch_plugged_ca(KubeClient& client, const std::string& ns, const std::string& dir,
                      bool* found, std::string* error);

}  // namespace jib::k8s
