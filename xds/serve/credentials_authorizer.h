// The seam through which SDS asks whether an authenticated caller may read the gateway TLS
// credentials (Secrets, private keys included) of its own namespace. Authentication says who
// the caller is; this says whether that identity may have the keys, so that an ordinary
// workload that declares itself a router does not get its namespace's gateway keys. cmd/jibd
// plugs in Kubernetes RBAC (k8s/credentials_access_review.h) or, from files, an allow-list
// (credentials_allow_list.h).
#pragma once

#include <memory>
#include <string>

namespace jib::xds {

struct CredentialsVerdict {
  bool allowed = false;
  std::string reason;  // why not, for the log; never secret material
};

class CredentialsAuthorizer {
 public:
  virtual ~CredentialsAuthorizer() = default;
  // May service account `service_account` of namespace `ns` read the credentials of `ns`?
  // Asked at every SDS generation for a router that wants a key, on the push thread or a gRPC
  // thread: must be thread-safe, bound how long it blocks, and cache what is costly.
  virtual CredentialsVerdict authorize(const std::string& ns,
                                       const std::string& service_account) = 0;
};
using CredentialsAuthorizerPtr = std::shared_ptr<CredentialsAuthorizer>;

}  // namespace jib::xds
