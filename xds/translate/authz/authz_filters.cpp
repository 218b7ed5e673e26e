#include "xds/translate/authz/authz_filters.h"

#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "envoy/extensions/filters/network/rbac/v3/rbac.pb.h"
#include "xds/translate/authz/rbac_builder.h"

namespace jib::xds::authz {
namespace {

using mesh::AuthorizationPolicy;
using Action = AuthorizationPolicy::Action;

constexpr std::string_view kHttpRbac = "envoy.filters.http.rbac";
constexpr std::string_view kNetworkRbac = "envoy.filters.network.rbac";

struct Stage {
  Action action;
  const std::vector<const AuthorizationPolicy*>* policies;
  const char* shadow_prefix;
};

std::vector<Stage> stages(const mesh::WorkloadAuthorizationPolicies& p) {
  return {{Action::kDeny, &p.deny, "istio_dry_run_deny_"},
          {Action::kAllow, &p.allow, "istio_dry_run_allow_"},
          {Action::kAudit, &p.audit, "istio_dry_run_audit_"}};
}

// Fills an HTTP or network RBAC config; false when the stage needs no filter.
template <typename Config>
bool fill(const Stage& stage, Protocol protocol, Config* config) {
  if (stage.policies->empty()) return false;
  CompiledRbac compiled = compile_rbac(*stage.policies, stage.action, protocol);
  if (compiled.any_enforced) *config->mutable_rules() = std::move(compiled.rules);
  if (compiled.any_dry_run) {
    *config->mutable_shadow_rules() = std::move(compiled.shadow);
    config->set_shadow_rules_stat_prefix(stage.shadow_prefix);
  }
  return compiled.any_enforced || compiled.any_dry_run;
}

}  // namespace

std::vector<HttpFilter> rbac_http_filters(const mesh::WorkloadAuthorizationPolicies& policies) {
  std::vector<HttpFilter> out;
  for (const Stage& stage : stages(policies)) {
    envoy::extensions::filters::http::rbac::v3::RBAC config;
    if (!fill(stage, Protocol::kHttp, &config)) continue;
    HttpFilter& filter = out.emplace_back();
    filter.set_name(std::string(kHttpRbac));
    filter.mutable_typed_config()->PackFrom(config);
  }
  return out;
}

std::vector<Filter> rbac_network_filters(const mesh::WorkloadAuthorizationPolicies& policies) {
  std::vector<Filter> out;
  for (const Stage& stage : stages(policies)) {
    envoy::extensions::filters::network::rbac::v3::RBAC config;
    config.set_stat_prefix("tcp.");
    if (!fill(stage, Protocol::kTcp, &config)) continue;
    Filter& filter = out.emplace_back();
    filter.set_name(std::string(kNetworkRbac));
    filter.mutable_typed_config()->PackFrom(config);
  }
  return out;
}

}  // namespace jib::xds::authz
