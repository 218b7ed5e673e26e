// The agent's SDS server: envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets on a
// Unix socket that only the proxy's user may open. Every stream gets the secrets it names
// from the SecretStore, and again whenever they change (renewal, trust bundle update).
#pragma once

#include <memory>
#include <string>

#include "agent/secret_store.h"

namespace jib::agent {

class SdsServer {
 public:
  // Listens on `socket_path` (a stale socket file there is replaced) and sets the socket's
  // mode to `mode` (0600 or 0660). `store` must outlive the server. Null with *error when the
  // socket cannot be bound.
  static std::unique_ptr<SdsServer> start(const std::string& socket_path, unsigned mode,
                                          SecretStore* store, std::string* error);
  virtual ~SdsServer() = default;
  // Ends every stream and stops serving; idempotent. Also run by the destructor.
  virtual void shutdown() = 0;
  // Streams open now (for logs and tests).
  virtual int active_streams() const = 0;
};

}  // namespace jib::agent
