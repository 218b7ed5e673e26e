// A chain's RBAC filters run on one request as Envoy runs them: in order, each filter's shadow
// rules evaluated (they never decide) and then its rules; the first filter that denies ends
// the chain. A filter with only shadow rules enforces nothing; a chain without RBAC filters
// allows everything. Other filters (jwt_authn, ext_authz) are passed over and listed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xds/envoy_rbac/rbac_evaluator.h"
#include "xds/translate/authz/authz_filters.h"

namespace jib::xds::authz {

struct RbacStageResult {
  envoy::config::rbac::v3::RBAC::Action action = envoy::config::rbac::v3::RBAC::ALLOW;
  std::vector<std::string> policies;         // the enforced policies' names, in name order
  std::optional<RbacEngineResult> enforced;  // nullopt: the filter has no rules (shadow only)
  std::vector<std::string> shadow_policies;
  std::optional<RbacEngineResult> shadow;  // nullopt: no shadow rules
};

struct RbacChainResult {
  bool allowed = true;
  // The stage that decided, an index into `stages`: the one that denied, or else the ALLOW
  // stage that let the request through; nullopt when no stage decided (no ALLOW policy
  // applies and no DENY policy matched).
  std::optional<size_t> decided_by;
  std::vector<RbacStageResult> stages;     // the RBAC filters run; none after a denial
  std::vector<std::string> other_filters;  // names of the non-RBAC filters passed over
};

// HTTP chains (envoy.filters.http.rbac) and TCP chains (envoy.filters.network.rbac).
RbacChainResult run_rbac_filters(const std::vector<HttpFilter>& filters,
                                 const RbacRequest& request);
RbacChainResult run_rbac_filters(const std::vector<Filter>& filters, const RbacRequest& request);

// Istio's name of an RBAC action: DENY, ALLOW, AUDIT (Envoy's LOG).
std::string_view stage_name(envoy::config::rbac::v3::RBAC::Action action);

}  // namespace jib::xds::authz
