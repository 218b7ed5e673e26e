#include "mesh/model/policy_index.h"

#include <algorithm>
#include <tuple>

namespace jib::mesh {
namespace {

// The label by which Istio's deployment controller names a Gateway API gateway's pods.
constexpr std::string_view kGatewayNameLabel = "gateway.networking.k8s.io/gateway-name";
constexpr std::string_view kGatewayGroup = "gateway.networking.k8s.io";

bool has_selector(const std::optional<WorkloadSelector>& selector) {
  return selector && !selector->match_labels.empty();
}

bool targets_gateway(const PolicyTargetReference& ref, std::string_view gateway) {
  return ref.kind == "Gateway" && ref.group == kGatewayGroup && ref.name == gateway;
}

// Whether a policy in policy_ns with this scope applies to the workload; policy_ns is the
// workload's namespace or the root namespace.
bool applies(const PolicyScope& scope, const std::string& policy_ns,
             const PolicyWorkload& workload) {
  if (scope.target_ref || !scope.target_refs.empty()) {
    // References never cross namespaces; only gateways (by name) are workloads here. Services
    // and ServiceEntries are targeted by waypoints, which this index does not model.
    if (policy_ns != workload.ns) return false;
    auto it = workload.labels.find(std::string(kGatewayNameLabel));
    if (it == workload.labels.end()) return false;
    if (scope.target_ref && targets_gateway(*scope.target_ref, it->second)) return true;
    return std::any_of(scope.target_refs.begin(), scope.target_refs.end(),
                       [&](const auto& ref) { return targets_gateway(ref, it->second); });
  }
  if (has_selector(scope.selector))
    return labels_match(scope.selector->match_labels, workload.labels);
  return true;
}

// Istio's order of precedence among policies of one level: oldest, then by name.
template <typename T>
void sort_oldest_first(std::vector<const T*>& policies) {
  std::stable_sort(policies.begin(), policies.end(), [](const T* a, const T* b) {
    return std::tie(a->meta.creation_timestamp, a->meta.name) <
           std::tie(b->meta.creation_timestamp, b->meta.name);
  });
}

int phase_order(WasmPlugin::Phase phase) {
  switch (phase) {
    case WasmPlugin::Phase::kAuthn:
      return 0;
    case WasmPlugin::Phase::kAuthz:
      return 1;
    case WasmPlugin::Phase::kStats:
      return 2;
    case WasmPlugin::Phase::kUnspecified:
      break;
  }
  return 3;
}

}  // namespace

PolicyIndex PolicyIndex::build(const StoreState& state, std::string_view root_namespace) {
  PolicyIndex index;
  index.root_namespace_ = std::string(root_namespace);
  for (const auto& [key, object] : state.objects) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, PeerAuthentication>) {
            index.by_namespace_[o.meta.ns].peer_authentications.push_back(&o);
          } else if constexpr (std::is_same_v<T, RequestAuthentication>) {
            index.by_namespace_[o.meta.ns].request_authentications.push_back(&o);
          } else if constexpr (std::is_same_v<T, AuthorizationPolicy>) {
            index.by_namespace_[o.meta.ns].authorization_policies.push_back(&o);
          } else if constexpr (std::is_same_v<T, WasmPlugin>) {
            index.by_namespace_[o.meta.ns].wasm_plugins.push_back(&o);
          } else if constexpr (std::is_same_v<T, Telemetry>) {
            index.by_namespace_[o.meta.ns].telemetries.push_back(&o);
          }
        },
        *object);
  }
  for (auto& [ns, policies] : index.by_namespace_) {
    sort_oldest_first(policies.peer_authentications);
    sort_oldest_first(policies.request_authentications);
    sort_oldest_first(policies.authorization_policies);
    sort_oldest_first(policies.wasm_plugins);
    sort_oldest_first(policies.telemetries);
  }
  return index;
}

const PolicyIndex::Namespace* PolicyIndex::find(std::string_view ns) const {
  auto it = by_namespace_.find(ns);
  return it == by_namespace_.end() ? nullptr : &it->second;
}

std::vector<const PolicyIndex::Namespace*> PolicyIndex::scopes(
    const PolicyWorkload& workload) const {
  std::vector<const Namespace*> out;
  if (const Namespace* root = find(root_namespace_)) out.push_back(root);
  if (workload.ns != root_namespace_) {
    if (const Namespace* own = find(workload.ns)) out.push_back(own);
  }
  return out;
}

EffectivePeerAuthentication PolicyIndex::peer_authentication(const PolicyWorkload& workload) const {
  using Mode = PeerAuthenticationMutualTLS::Mode;
  EffectivePeerAuthentication out;
  // Lists are oldest first, so the first found at a level is the one that wins.
  if (const Namespace* root = find(root_namespace_)) {
    for (const auto* pa : root->peer_authentications) {
      if (!has_selector(pa->selector)) {
        out.mesh_policy = pa;
        break;
      }
    }
  }
  if (workload.ns != root_namespace_) {
    if (const Namespace* own = find(workload.ns)) {
      for (const auto* pa : own->peer_authentications) {
        if (!out.namespace_policy && !has_selector(pa->selector)) out.namespace_policy = pa;
        if (!out.workload_policy && has_selector(pa->selector) &&
            labels_match(pa->selector->match_labels, workload.labels)) {
          out.workload_policy = pa;
        }
      }
    }
  }
  auto apply = [&](const PeerAuthentication* pa) {
    if (pa != nullptr && pa->mtls && pa->mtls->mode != Mode::kUnset) out.mode = pa->mtls->mode;
  };
  apply(out.mesh_policy);
  apply(out.namespace_policy);
  apply(out.workload_policy);
  if (out.workload_policy != nullptr && out.workload_policy->port_level_mtls) {
    for (const auto& [port, mtls] : *out.workload_policy->port_level_mtls) {
      out.per_port[port] = mtls.mode == Mode::kUnset ? out.mode : mtls.mode;
    }
  }
  return out;
}

WorkloadAuthorizationPolicies PolicyIndex::authorization_policies(
    const PolicyWorkload& workload) const {
  using Action = AuthorizationPolicy::Action;
  WorkloadAuthorizationPolicies out;
  for (const Namespace* ns : scopes(workload)) {
    for (const auto* ap : ns->authorization_policies) {
      if (!applies(ap->scope, ap->meta.ns, workload)) continue;
      switch (ap->action) {
        case Action::kAllow:
          out.allow.push_back(ap);
          break;
        case Action::kDeny:
          out.deny.push_back(ap);
          break;
        case Action::kAudit:
          out.audit.push_back(ap);
          break;
        case Action::kCustom:
          out.custom.push_back(ap);
          break;
      }
    }
  }
  return out;
}

std::vector<const RequestAuthentication*> PolicyIndex::request_authentications(
    const PolicyWorkload& workload) const {
  std::vector<const RequestAuthentication*> out;
  for (const Namespace* ns : scopes(workload)) {
    for (const auto* ra : ns->request_authentications) {
      if (applies(ra->scope, ra->meta.ns, workload)) out.push_back(ra);
    }
  }
  return out;
}

std::vector<const WasmPlugin*> PolicyIndex::wasm_plugins(const PolicyWorkload& workload) const {
  std::vector<const WasmPlugin*> out;
  for (const Namespace* ns : scopes(workload)) {
    for (const auto* wp : ns->wasm_plugins) {
      if (applies(wp->scope, wp->meta.ns, workload)) out.push_back(wp);
    }
  }
  // Stable: equal phase and priority keep root-namespace-first, then by name.
  std::stable_sort(out.begin(), out.end(), [](const WasmPlugin* a, const WasmPlugin* b) {
    return std::make_tuple(phase_order(a->phase), -int64_t{a->priority.value_or(0)}) <
           std::make_tuple(phase_order(b->phase), -int64_t{b->priority.value_or(0)});
  });
  return out;
}

std::vector<const Telemetry*> PolicyIndex::telemetries(const PolicyWorkload& workload) const {
  std::vector<const Telemetry*> out;
  auto unscoped = [](const Telemetry* t) {
    return !has_selector(t->scope.selector) && !t->scope.target_ref && t->scope.target_refs.empty();
  };
  if (const Namespace* root = find(root_namespace_)) {
    auto it = std::find_if(root->telemetries.begin(), root->telemetries.end(), unscoped);
    if (it != root->telemetries.end()) out.push_back(*it);
  }
  const Namespace* own = find(workload.ns);
  if (own == nullptr) return out;
  if (workload.ns != root_namespace_) {
    auto it = std::find_if(own->telemetries.begin(), own->telemetries.end(), unscoped);
    if (it != own->telemetries.end()) out.push_back(*it);
  }
  for (const auto* t : own->telemetries) {
    if (!unscoped(t) && applies(t->scope, t->meta.ns, workload)) {
      out.push_back(t);
      break;
    }
  }
  return out;
}

const std::vector<const PeerAuthentication*>& PolicyIndex::peer_authentications_in(
    std::string_view ns) const {
  static const std::vector<const PeerAuthentication*> kNone;
  const Namespace* n = find(ns);
  return n == nullptr ? kNone : n->peer_authentications;
}

const std::vector<const AuthorizationPolicy*>& PolicyIndex::authorization_policies_in(
    std::string_view ns) const {
  static const std::vector<const AuthorizationPolicy*> kNone;
  const Namespace* n = find(ns);
  return n == nullptr ? kNone : n->authorization_policies;
}

}  // namespace jib::mesh
