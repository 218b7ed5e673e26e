// security.istio.io AuthorizationPolicy (v1beta1 and v1), as typed values.
//
// Rule values keep Istio's string forms: "abc" exact, "abc*" prefix, "*abc" suffix, "*" presence.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/policy_target.h"

namespace jib::mesh {

struct AuthorizationSource {
  std::vector<std::string> principals;
  std::vector<std::string> not_principals;
  std::vector<std::string> request_principals;
  std::vector<std::string> not_request_principals;
  std::vector<std::string> namespaces;
  std::vector<std::string> not_namespaces;
  std::vector<std::string> ip_blocks;
  std::vector<std::string> not_ip_blocks;
  std::vector<std::string> remote_ip_blocks;
  std::vector<std::string> not_remote_ip_blocks;
  std::vector<std::string> service_accounts;  // "namespace/name"
  std::vector<std::string> not_service_accounts;
  bool operator==(const AuthorizationSource&) const = default;
};

struct AuthorizationOperation {
  std::vector<std::string> hosts;
  std::vector<std::string> not_hosts;
  std::vector<std::string> ports;  // strings in Istio's API, numbers 1..65535 after validation
  std::vector<std::string> not_ports;
  std::vector<std::string> methods;
  std::vector<std::string> not_methods;
  std::vector<std::string> paths;
  std::vector<std::string> not_paths;
  bool operator==(const AuthorizationOperation&) const = default;
};

struct AuthorizationCondition {
  std::string key;  // an Istio attribute, e.g. "request.headers[x-user]"
  std::vector<std::string> values;
  std::vector<std::string> not_values;
  bool operator==(const AuthorizationCondition&) const = default;
};

struct AuthorizationRule {
  struct From {
    std::optional<AuthorizationSource> source;
    bool operator==(const From&) const = default;
  };
  struct To {
    std::optional<AuthorizationOperation> operation;
    bool operator==(const To&) const = default;
  };
  // Absent means "any"; present but empty is an error in Istio, hence optional.
  std::optional<std::vector<From>> from;
  std::optional<std::vector<To>> to;
  std::vector<AuthorizationCondition> when;
  bool operator==(const AuthorizationRule&) const = default;
};

struct AuthorizationPolicy {
  enum class Action { kAllow, kDeny, kAudit, kCustom };
  struct ExtensionProvider {
    std::string name;  // an extensionProviders entry of MeshConfig
    bool operator==(const ExtensionProvider&) const = default;
  };

  ObjectMeta meta;
  PolicyScope scope;
  std::vector<AuthorizationRule> rules;
  Action action = Action::kAllow;
  // Istio's action_detail oneof, whose only member is the provider of a CUSTOM action.
  std::optional<ExtensionProvider> provider;
  bool operator==(const AuthorizationPolicy&) const = default;
};

}  // namespace jib::mesh
