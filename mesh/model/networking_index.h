// Indexes of the networking kinds as one proxy sees them: exportTo visibility, DestinationRule
// merging and precedence, VirtualService conflicts, Gateways and Sidecar scopes. Built once per
// snapshot; read-only afterwards.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/config/config_store.h"

namespace jib::mesh {

// Istio's exportTo: empty or "*" is every namespace, "." the object's own, else names.
bool visible_to(const std::vector<std::string>& export_to, std::string_view object_ns,
                std::string_view proxy_ns);

// The DestinationRule in force for one host: several rules for the same host in one namespace
// are merged as Istio merges them (the oldest rule's traffic policy; subsets of all, the first
// of a name winning). `sources` names the rules that went into it, oldest first.
struct MergedDestinationRule {
  DestinationRule rule;
  std::vector<ConfigKey> sources;
};

// Two or more VirtualServices bound to the same gateway ("mesh" for sidecars) claim one host:
// Istio uses the oldest and ignores the others for that host.
struct VirtualServiceConflict {
  std::string host;
  std::string gateway;
  ConfigKey winner;
  std::vector<ConfigKey> ignored;
};

class NetworkingIndex {
 public:
  static NetworkingIndex build(const StoreState& state, std::string_view root_namespace);

  // The rule for hostname as a proxy in proxy_ns sees it: rules in the proxy's namespace first,
  // then in the service's namespace, then in the root namespace, each only if exported to the
  // proxy; within a namespace an exact host beats the most specific wildcard. Rules with a
  // workloadSelector apply only to workloads whose labels match.
  std::optional<MergedDestinationRule> destination_rule(std::string_view proxy_ns,
                                                        std::string_view hostname,
                                                        std::string_view service_ns,
                                                        const Labels& workload_labels = {}) const;

  // The VirtualService that routes hostname for a proxy in proxy_ns, bound to gateway ("mesh"
  // for sidecars, else "namespace/name"): the most specific host match, then the oldest (by
  // creationTimestamp, then namespace/name). nullptr when none.
  const VirtualService* virtual_service(std::string_view proxy_ns, std::string_view hostname,
                                        std::string_view gateway = "mesh") const;

  // VirtualServices bound to a gateway ("namespace/name"), oldest first.
  std::vector<const VirtualService*> gateway_virtual_services(std::string_view gateway) const;

  // Every host claimed by more than one VirtualService on one gateway.
  const std::vector<VirtualServiceConflict>& virtual_service_conflicts() const {
    return conflicts_;
  }

  const Gateway* gateway(std::string_view ns, std::string_view name) const;
  // Gateways whose selector matches a gateway workload's labels (any namespace, as Istio's
  // default), by namespace/name.
  std::vector<const Gateway*> gateways_for(const Labels& workload_labels) const;

  // The Sidecar that scopes a workload: one in its namespace whose workloadSelector matches
  // (the oldest if several), else its namespace's default (no selector), else the root
  // namespace's default. nullptr when none applies.
  const Sidecar* sidecar_for(std::string_view proxy_ns, const Labels& workload_labels) const;

  const std::string& root_namespace() const { return root_namespace_; }

 private:
  std::string root_namespace_;
  // Rules by namespace, then host as written (short names resolved), oldest first.
  std::map<std::string, std::map<std::string, std::vector<const DestinationRule*>>, std::less<>>
      destination_rules_;
  // VirtualServices by the gateway they bind to ("mesh" or "namespace/name"), oldest first.
  std::map<std::string, std::vector<const VirtualService*>, std::less<>> virtual_services_;
  std::vector<VirtualServiceConflict> conflicts_;
  std::map<std::pair<std::string, std::string>, const Gateway*, std::less<>> gateways_;
  std::map<std::string, std::vector<const Sidecar*>, std::less<>> sidecars_;  // by namespace
};

}  // namespace jib::mesh
