// What jwt_authn makes of a request's token before authorization sees it, as jibd configures
// it from the RequestAuthentications that apply to a workload
// (xds/translate/authn/jwt_authn_filter.h): without any JWT rule there is no jwt_authn filter and
// the token is never read; otherwise a request without a token passes, and a token must be verified
// by a rule (its issuer, one of the rule's audiences when it lists any, not expired) or the request
// gets 401.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mesh/api/request_authentication.h"
#include "xds/envoy_rbac/rbac_evaluator.h"

namespace jib::ctl {

struct TokenCheck {
  enum class Outcome { kNone, kNotRead, kVerified, kRejected };
  Outcome outcome = Outcome::kNone;
  std::string detail;  // for the report: the issuer, or why it is rejected or not read
};

// `claims`: the payload of the token, a JSON object; null when there is no token. `invalid`:
// the token does not verify (bad signature, unknown key).
TokenCheck check_token(const std::vector<const mesh::RequestAuthentication*>& policies,
                       const nlohmann::json& claims, bool invalid);

// For a verified token: its payload as jwt_authn leaves it for RBAC, with the space-delimited
// claims Istio names ("scope", "permission") turned into lists.
void add_verified_payload(const nlohmann::json& claims, xds::authz::RbacRequest* request);

std::string outcome_name(TokenCheck::Outcome outcome);

}  // namespace jib::ctl
