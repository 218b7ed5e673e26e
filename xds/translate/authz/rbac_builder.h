// AuthorizationPolicies of one action as Envoy RBAC, the way Istio compiles them: one Envoy
// policy per rule, named "ns[<namespace>]-policy[<name>]-rule[<index>]"; a rule is the AND of
// its `from` (OR over sources), its `to` (OR over operations) and each `when` condition; within
// a source or an operation every field must match one of its values and none of its `not`
// values. Policies annotated `istio.io/dry-run: "true"` go to the shadow rules instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "envoy/config/rbac/v3/rbac.pb.h"
#include "mesh/api/authorization_policy.h"

namespace jib::xds::authz {

enum class Protocol { kHttp, kTcp };

struct CompiledRbac {
  envoy::config::rbac::v3::RBAC rules;   // action set; policies may be empty
  envoy::config::rbac::v3::RBAC shadow;  // dry-run policies
  bool any_enforced = false;             // at least one policy (not dry-run) of this action
  bool any_dry_run = false;
  // Rules dropped for TCP (ALLOW rules that need HTTP), by Envoy policy name.
  std::vector<std::string> dropped;
};

// Istio's Envoy policy name of a rule.
std::string policy_name(const mesh::AuthorizationPolicy& policy, size_t rule_index);

// For TCP, a rule that needs HTTP attributes (methods, paths, hosts, request principals,
// request.* conditions) is dropped from ALLOW (it could never match) and, in DENY, matches
// without those attributes (denying more, never less).
CompiledRbac compile_rbac(const std::vector<const mesh::AuthorizationPolicy*>& policies,
                          mesh::AuthorizationPolicy::Action action, Protocol protocol);

// Whether a policy is dry-run (annotation istio.io/dry-run: "true").
bool is_dry_run(const mesh::AuthorizationPolicy& policy);

}  // namespace jib::xds::authz
