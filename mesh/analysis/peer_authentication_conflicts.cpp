// More than one PeerAuthentication without a workload selector in one namespace. Istio applies
// only the oldest of them (PolicyIndex's order) and ignores the rest without a word, so which
// mTLS mode is in force depends on creation order. Istio has no analyzer code for this; Jib
// reports JIB0003 in the root namespace (mesh-wide policies) and JIB0004 in any other namespace
// (namespace-wide policies), as Istio's IST0111 and IST0160 do for Sidecars and Telemetries.
#include <set>

#include "mesh/analysis/analyzers.h"

namespace jib::mesh::analysis {
namespace {

bool selects_all(const PeerAuthentication& pa) {
  return !pa.selector || pa.selector->match_labels.empty();
}

class PeerAuthenticationConflictsAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "peerauthentication.conflicts"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    std::set<std::string> namespaces;
    for (const auto* pa : context.objects<PeerAuthentication>()) namespaces.insert(pa->meta.ns);
    const std::string& root = context.policies().root_namespace();
    for (const auto& ns : namespaces) {
      std::vector<const PeerAuthentication*> conflicting;  // oldest first
      for (const auto* pa : context.policies().peer_authentications_in(ns)) {
        if (selects_all(*pa)) conflicting.push_back(pa);
      }
      if (conflicting.size() < 2) continue;
      std::string names;
      for (const auto* pa : conflicting) names += (names.empty() ? "" : ", ") + pa->meta.name;
      const bool mesh_wide = ns == root;
      const std::string scope = mesh_wide ? "mesh-wide" : "namespace-wide";
      for (const auto* pa : conflicting) {
        out.push_back(context.finding(
            mesh_wide ? "JIB0003" : "JIB0004",
            mesh_wide ? "MultipleMeshWidePeerAuthentications"
                      : "MultipleNamespaceWidePeerAuthentications",
            Finding::Level::kError, ConfigKey{"PeerAuthentication", ns, pa->meta.name}, pa->meta,
            "",
            "The PeerAuthentications " + names + " in " + (mesh_wide ? "the root " : "") +
                "namespace \"" + ns +
                "\" have no workload selector; only the oldest (by creation time, then name), " +
                conflicting.front()->meta.name + ", takes effect " + scope +
                " and the others are ignored. Merge them into one resource."));
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_peer_authentication_conflicts_analyzer() {
  return std::make_unique<PeerAuthenticationConflictsAnalyzer>();
}

}  // namespace jib::mesh::analysis
