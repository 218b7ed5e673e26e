// The verdict of `jibctl authz check`, and its text and JSON forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmd/jibctl/authz_target.h"
#include "cmd/jibctl/authz_token.h"
#include "xds/envoy_rbac/rbac_chain.h"

namespace jib::ctl {

struct AuthzReport {
  AuthzTarget target;
  uint32_t port = 0;
  bool http = true;
  TokenCheck token;
  // The RBAC filters' run; nullopt when jwt_authn refused the request first.
  std::optional<xds::authz::RbacChainResult> chain;
  std::vector<std::string> notes;

  bool allowed() const { return chain && chain->allowed; }
  // 200, 403 or 401 for HTTP; nullopt for TCP.
  std::optional<int> status() const;
  // "jwt_authn", "DENY", "ALLOW", or "none" when no stage decided.
  std::string stage() const;
  // The Envoy policy that decided, if one did.
  std::optional<std::string> policy() const;
  // The AUDIT policy that logged the request, if any.
  std::optional<std::string> audit() const;
};

void print_text(const AuthzReport& report);
void print_json(const AuthzReport& report);

}  // namespace jib::ctl
