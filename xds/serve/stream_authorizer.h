// The seam through which secure xDS checks that a proxy is who its node says it is. xds/ knows
// nothing of tokens or certificates beyond handing them over; cmd/jibd plugs in the CA's
// authenticators.
#pragma once

#include <grpcpp/grpcpp.h>

#include "ca/caller_credentials.h"
#include "xds/translate/proxy.h"

namespace jib::xds {

// What the transport knows about the caller of a stream, read by ca::caller_credentials as the
// CA reads its callers'.
using PeerCredentials = ca::AuthRequest;

class StreamAuthorizer {
 public:
  virtual ~StreamAuthorizer() = default;
  // OK when the caller may receive config as this proxy; otherwise the status the stream ends
  // with (UNAUTHENTICATED without acceptable credentials, PERMISSION_DENIED when the node claims
  // another namespace or service account). Called once per stream, on a gRPC thread, when the
  // first request names the node; must be thread-safe and bound how long it blocks.
  virtual grpc::Status authorize(const PeerCredentials& credentials, const Proxy& proxy) const = 0;
};

}  // namespace jib::xds
