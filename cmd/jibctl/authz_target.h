// The workload `jibctl authz check --to` names, and the proxy jibd would serve it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mesh/config/config_store.h"
#include "mesh/model/policy_index.h"
#include "xds/translate/proxy.h"

namespace jib::ctl {

struct AuthzTarget {
  std::string kind;               // "Pod", "WorkloadEntry", or "labels" when given by labels
  std::string name;               // empty when given by labels
  mesh::PolicyWorkload workload;  // namespace and labels, as policies select it
  std::string ip;                 // empty when not known
  std::string service_account;
};

// WORKLOAD is "namespace/name": the Pod of that name, else the WorkloadEntry; or
// "namespace:key=value,key=value": a workload with exactly these labels.
std::optional<AuthzTarget> find_target(const mesh::StoreState& state, std::string_view spec,
                                       std::string* error);

// The sidecar of the target as its agent would announce it, with traffic capture (Istio's
// default): its inbound ports are its Sidecar's ingress ports, else the ports of the services
// with an endpoint at its address.
xds::Proxy target_proxy(const AuthzTarget& target);

// "Pod foo/httpbin-1", "labels foo:app=httpbin".
std::string describe(const AuthzTarget& target);

}  // namespace jib::ctl
