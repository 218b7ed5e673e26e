// The RBAC filters that enforce a workload's AuthorizationPolicies, in Istio's order: DENY,
// then ALLOW (present whenever an ALLOW policy applies, so that a request matching none is
// denied), then AUDIT (logs, never denies). Dry-run policies become shadow rules with stats
// under `istio_dry_run_allow_` / `istio_dry_run_deny_`.
#pragma once

#include <vector>

#include "envoy/config/listener/v3/listener_components.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "mesh/model/policy_index.h"

namespace jib::xds::authz {

using envoy::config::listener::v3::Filter;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter;

std::vector<HttpFilter> rbac_http_filters(const mesh::WorkloadAuthorizationPolicies& policies);
// For TCP chains, before tcp_proxy.
std::vector<Filter> rbac_network_filters(const mesh::WorkloadAuthorizationPolicies& policies);

}  // namespace jib::xds::authz
