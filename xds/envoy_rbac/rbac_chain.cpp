#include "xds/envoy_rbac/rbac_chain.h"

#include <algorithm>

#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "envoy/extensions/filters/network/rbac/v3/rbac.pb.h"

namespace jib::xds::authz {
namespace {

using envoy::config::rbac::v3::RBAC;

std::vector<std::string> policy_names(const RBAC& rbac) {
  std::vector<std::string> out;
  for (const auto& [name, policy] : rbac.policies()) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

template <typename Config>
RbacStageResult run_stage(const Config& config, const RbacRequest& request) {
  if (config.has_matcher() || config.has_shadow_matcher()) {
    throw UnsupportedMatcher("RBAC filters with a matcher tree are not supported");
  }
  RbacStageResult stage;
  stage.action = config.has_rules() ? config.rules().action() : config.shadow_rules().action();
  if (config.has_shadow_rules()) {
    stage.shadow_policies = policy_names(config.shadow_rules());
    stage.shadow = evaluate(config.shadow_rules(), request);
  }
  if (config.has_rules()) {
    stage.policies = policy_names(config.rules());
    stage.enforced = evaluate(config.rules(), request);
  }
  return stage;
}

template <typename Config, typename Filters>
RbacChainResult run_chain(const Filters& filters, const RbacRequest& request) {
  RbacChainResult out;
  for (const auto& filter : filters) {
    Config config;
    if (!filter.typed_config().template Is<Config>()) {
      out.other_filters.push_back(filter.name());
      continue;
    }
    if (!filter.typed_config().UnpackTo(&config)) {
      throw UnsupportedMatcher("cannot unpack the config of " + filter.name());
    }
    const RbacStageResult& stage = out.stages.emplace_back(run_stage(config, request));
    if (!stage.enforced) continue;
    if (!stage.enforced->allowed) {
      out.allowed = false;
      out.decided_by = out.stages.size() - 1;
      break;
    }
    if (stage.action == RBAC::ALLOW) out.decided_by = out.stages.size() - 1;
  }
  return out;
}

}  // namespace

RbacChainResult run_rbac_filters(const std::vector<HttpFilter>& filters,
                                 const RbacRequest& request) {
  return run_chain<envoy::extensions::filters::http::rbac::v3::RBAC>(filters, request);
}

RbacChainResult run_rbac_filters(const std::vector<Filter>& filters, const RbacRequest& request) {
  return run_chain<envoy::extensions::filters::network::rbac::v3::RBAC>(filters, request);
}

std::string_view stage_name(RBAC::Action action) {
  switch (action) {
    case RBAC::DENY:
      return "DENY";
    case RBAC::LOG:
      return "AUDIT";
    default:
      return "ALLOW";
  }
}

}  // namespace jib::xds::authz
