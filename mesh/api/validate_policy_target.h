// Internal to validation: the security, extension and telemetry validators and the checks they
// share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mesh/api/authorization_policy.h"
#include "mesh/api/peer_authentication.h"
#include "mesh/api/policy_target.h"
#include "mesh/api/request_authentication.h"
#include "mesh/api/telemetry.h"
#include "mesh/api/validate_kinds.h"
#include "mesh/api/wasm_plugin.h"

namespace jib::mesh::detail {

void validate_peer_authentication(const PeerAuthentication& pa, Reporter& report);
void validate_request_authentication(const RequestAuthentication& ra, Reporter& report);
void validate_authorization_policy(const AuthorizationPolicy& ap, Reporter& report);
void validate_wasm_plugin(const WasmPlugin& wp, Reporter& report);
void validate_telemetry(const Telemetry& t, Reporter& report);

// Istio's istio.type WorkloadSelector rules: keys non-empty, no wildcards, values <= 63 chars.
void validate_policy_selector(const WorkloadSelector& selector, const std::string& path,
                              Reporter& report);
// At most one of selector, targetRef and targetRefs; each reference well formed.
void validate_policy_scope(const PolicyScope& scope, Reporter& report);

// An HTTP header name as RFC 7230 allows it, either case: for headers Jib reads or writes by
// name (not Envoy matchers, which want lower case). Empty string when valid.
std::string check_header_token(std::string_view name);

}  // namespace jib::mesh::detail
