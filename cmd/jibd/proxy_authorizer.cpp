#include "cmd/jibd/proxy_authorizer.h"

namespace jib::jibd {

grpc::Status ProxyAuthorizer::authorize(const xds::PeerCredentials& credentials,
                                        const xds::Proxy& proxy) const {
  ca::ServiceAccount caller;
  if (auto status = ca_.authenticate(credentials, &caller); !status.ok()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, status.message);
  }
  if (proxy.ns != caller.ns) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "node claims namespace \"" + proxy.ns +
                                                                 "\" but the caller is " +
                                                                 caller.ns + "/" + caller.name);
  }
  if (proxy.service_account != caller.name) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "node claims service account \"" + proxy.service_account +
                            "\" but the caller is " + caller.ns + "/" + caller.name);
  }
  return grpc::Status::OK;
}

}  // namespace jib::jibd
