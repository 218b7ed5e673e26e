// Two VirtualServices claiming the same host on the same gateway. On the mesh gateway this is
// Istio's IST0109 (only one of them takes effect); on a named gateway Istio merges them, but a
// request matches only the first one's routes, so Jib warns (JIB0002).
#include <map>

#include "mesh/analysis/analyzers.h"
#include "mesh/model/snapshot.h"

namespace jib::mesh::analysis {
namespace {

// "mesh", or a gateway as namespace/name (short names are in the VirtualService's namespace).
std::string gateway_key(const std::string& gateway, const std::string& ns) {
  if (gateway == "mesh" || gateway.find('/') != std::string::npos) return gateway;
  return ns + "/" + gateway;
}

class ConflictingHostsAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "virtualservice.conflictinghosts"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    struct Claim {
      const VirtualService* vs;
      size_t host_index;
    };
    std::map<std::pair<std::string, std::string>, std::vector<Claim>> claims;
    for (const auto* vs : context.objects<VirtualService>()) {
      std::vector<std::string> gateways = vs->gateways;
      if (gateways.empty()) gateways.push_back("mesh");
      for (const auto& g : gateways) {
        for (size_t i = 0; i < vs->hosts.size(); ++i) {
          auto& list =
              claims[{gateway_key(g, vs->meta.ns), resolve_short_name(vs->hosts[i], vs->meta.ns)}];
          if (list.empty() || list.back().vs != vs) list.push_back({vs, i});
        }
      }
    }
    for (const auto& [where, list] : claims) {
      if (list.size() < 2) continue;
      const bool mesh = where.first == "mesh";
      std::string names;
      for (const auto& c : list) {
        names += (names.empty() ? "" : ", ") + c.vs->meta.ns + "/" + c.vs->meta.name;
      }
      for (const auto& c : list) {
        const ConfigKey key{"VirtualService", c.vs->meta.ns, c.vs->meta.name};
        const std::string field = "spec.hosts[" + std::to_string(c.host_index) + "]";
        if (mesh) {
          out.push_back(context.finding(
              "IST0109", "ConflictingMeshGatewayVirtualServiceHosts", Finding::Level::kError, key,
              c.vs->meta, field,
              "The VirtualServices " + names +
                  " associated with mesh gateway define the same host " + where.second +
                  " which can lead to undefined behavior. This can be fixed by "
                  "merging the conflicting VirtualServices into a single resource."));
        } else {
          out.push_back(context.finding(
              "JIB0002", "ConflictingGatewayVirtualServiceHosts", Finding::Level::kWarning, key,
              c.vs->meta, field,
              "The VirtualServices " + names + " on gateway " + where.first +
                  " define the same host " + where.second +
                  "; requests match only the routes of the first, by creation order"));
        }
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_conflicting_virtual_service_hosts_analyzer() {
  return std::make_unique<ConflictingHostsAnalyzer>();
}

}  // namespace jib::mesh::analysis
