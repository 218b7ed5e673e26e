// Security, extension and telemetry policies indexed by where they apply: the root namespace
// (mesh-wide), a namespace, or the workloads a selector picks, with Istio's precedence.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/config/config_store.h"

namespace jib::mesh {

// Istio's default root namespace; MeshConfig's rootNamespace overrides it.
inline constexpr std::string_view kDefaultRootNamespace = "istio-system";

// A workload as policies select it: its namespace and labels. A Kubernetes Gateway API gateway
// carries the label gateway.networking.k8s.io/gateway-name, which targetRef policies match.
struct PolicyWorkload {
  std::string ns;
  Labels labels;
};

// The mTLS mode in force for a workload after Istio's merge of mesh, namespace and workload
// PeerAuthentications.
struct EffectivePeerAuthentication {
  using Mode = PeerAuthenticationMutualTLS::Mode;
  Mode mode = Mode::kPermissive;      // never kUnset: unset all the way up means PERMISSIVE
  std::map<uint32_t, Mode> per_port;  // from the workload policy only; never kUnset
  // The policies that took part, each nullptr when there was none at its level.
  const PeerAuthentication* mesh_policy = nullptr;
  const PeerAuthentication* namespace_policy = nullptr;
  const PeerAuthentication* workload_policy = nullptr;
};

// The AuthorizationPolicies that apply to a workload, by action, each list root namespace
// first, then the workload's namespace, oldest first within a namespace.
struct WorkloadAuthorizationPolicies {
  std::vector<const AuthorizationPolicy*> allow;
  std::vector<const AuthorizationPolicy*> deny;
  std::vector<const AuthorizationPolicy*> audit;
  std::vector<const AuthorizationPolicy*> custom;
  bool empty() const { return allow.empty() && deny.empty() && audit.empty() && custom.empty(); }
};

// Built once per snapshot from a store state; the pointers it returns point into that state.
//
// Istio breaks ties between policies at the same level by creation time, oldest first, then by
// name; objects from files carry no creation time, so among them the first by name wins.
class PolicyIndex {
 public:
  PolicyIndex() = default;
  static PolicyIndex build(const StoreState& state,
                           std::string_view root_namespace = kDefaultRootNamespace);

  const std::string& root_namespace() const { return root_namespace_; }

  // Workload over namespace over mesh: the oldest selector-less policy of the root namespace
  // and of the workload's namespace, and the oldest matching selector policy of the workload's
  // namespace (selector policies in the root namespace are ignored, as in Istio). An UNSET mode
  // inherits from the level above; an UNSET port inherits the workload's resolved mode.
  EffectivePeerAuthentication peer_authentication(const PolicyWorkload& workload) const;

  // Policies of the root and the workload's namespace whose selector (or targetRef) matches;
  // no selector matches every workload of the policy's namespace, or of the mesh in the root
  // namespace. A root-namespace selector matches workloads of every namespace.
  WorkloadAuthorizationPolicies authorization_policies(const PolicyWorkload& workload) const;
  std::vector<const RequestAuthentication*> request_authentications(
      const PolicyWorkload& workload) const;
  // In filter chain order: AUTHN, AUTHZ, STATS, then unspecified phase (before the router);
  // higher priority first within a phase.
  std::vector<const WasmPlugin*> wasm_plugins(const PolicyWorkload& workload) const;
  // At most one per level, in merge order: mesh (root namespace, no selector), namespace (no
  // selector), workload (oldest matching selector in the workload's namespace).
  std::vector<const Telemetry*> telemetries(const PolicyWorkload& workload) const;

  // Every policy of a kind in one namespace, oldest first.
  const std::vector<const PeerAuthentication*>& peer_authentications_in(std::string_view ns) const;
  const std::vector<const AuthorizationPolicy*>& authorization_policies_in(
      std::string_view ns) const;

 private:
  struct Namespace {
    std::vector<const PeerAuthentication*> peer_authentications;
    std::vector<const RequestAuthentication*> request_authentications;
    std::vector<const AuthorizationPolicy*> authorization_policies;
    std::vector<const WasmPlugin*> wasm_plugins;
    std::vector<const Telemetry*> telemetries;
  };
  const Namespace* find(std::string_view ns) const;
  // The namespaces whose policies can apply to a workload: its own, and the root namespace.
  std::vector<const Namespace*> scopes(const PolicyWorkload& workload) const;

  std::string root_namespace_{kDefaultRootNamespace};
  std::map<std::string, Namespace, std::less<>> by_namespace_;
};

}  // namespace jib::mesh
