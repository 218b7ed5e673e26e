// Secure xDS admission: the caller must authenticate as the CA's callers do, and the node it
// names must be in the caller's namespace and run as its service account.
#pragma once

#include "ca/ca_server.h"
#include "xds/serve/stream_authorizer.h"

namespace jib::jibd {

class ProxyAuthorizer final : public xds::StreamAuthorizer {
 public:
  explicit ProxyAuthorizer(const ca::CaServer& ca) : ca_(ca) {}
  grpc::Status authorize(const xds::PeerCredentials& credentials,
                         const xds::Proxy& proxy) const override;

 private:
  const ca::CaServer& ca_;
};

}  // namespace jib::jibd
