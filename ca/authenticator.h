// The seam between the CSR service and the ways a workload proves who it is. The service asks
// each configured Authenticator in order; the first that accepts the caller decides the
// identity. Implementations: TokenReview, local JWT, mesh client certificate.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/caller_credentials.h"
#include "ca/identity.h"

namespace jib::ca {

struct AuthResult {
  enum class Kind {
    kNotApplicable,  // the request carries no credential of this kind
    kDenied,         // it carries one and it is not acceptable
    kAccepted,
  };
  Kind kind = Kind::kNotApplicable;
  ServiceAccount caller;  // set when accepted
  std::string message;    // why it was denied; safe to return to the caller (no secrets)

  static AuthResult NotApplicable() { return {}; }
  static AuthResult Denied(std::string m) { return {Kind::kDenied, {}, std::move(m)}; }
  static AuthResult Accepted(ServiceAccount sa) { return {Kind::kAccepted, std::move(sa), {}}; }
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // A short stable name for logs and refusal messages, e.g. "kube-jwt".
  virtual std::string name() const = 0;
  // Decides on one request. Never throws; called concurrently from gRPC threads, so it must be
  // thread-safe; may block on the network (TokenReview) but must bound how long.
  virtual AuthResult authenticate(const AuthRequest& request) = 0;
};
using AuthenticatorPtr = std::unique_ptr<Authenticator>;

}  // namespace jib::ca
