// IST0127 NoMatchingWorkloadsFound: an AuthorizationPolicy that applies to no workload, as
// Istio's auth.AuthorizationPoliciesAnalyzer reports it. A selector matches the Pods and
// WorkloadEntries of the policy's namespace, or of every namespace when the policy is in the
// root namespace; a policy without selector applies to its whole namespace and is reported
// when the namespace has no workload (a mesh-wide one, in the root namespace, never is).
// Policies that name their targets (targetRef/targetRefs) are not selector-based and are left
// alone. Nothing is reported when the objects hold no Pod or WorkloadEntry at all: then which
// workloads exist is not known here (Istio would report every policy).
#include "mesh/analysis/analyzers.h"

namespace jib::mesh::analysis {
namespace {

// Istio's form of a label selector: "app=httpbin,version=v1" (keys sorted).
std::string selector_text(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

class AuthorizationPolicyWorkloadsAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "authorizationpolicy.workloads"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    if (!context.has_workloads()) return;
    const std::string& root = context.policies().root_namespace();
    for (const auto* ap : context.objects<AuthorizationPolicy>()) {
      const PolicyScope& scope = ap->scope;
      if (scope.target_ref || !scope.target_refs.empty()) continue;
      const bool mesh_wide = ap->meta.ns == root;
      if (mesh_wide && !scope.selector) continue;  // applies to every workload of the mesh
      const Labels none;
      const Labels& labels = scope.selector ? scope.selector->match_labels : none;
      if (!context.workloads_matching(labels, mesh_wide ? "" : ap->meta.ns).empty()) continue;
      out.push_back(
          context.finding("IST0127", "NoMatchingWorkloadsFound", Finding::Level::kWarning,
                          ConfigKey{"AuthorizationPolicy", ap->meta.ns, ap->meta.name}, ap->meta,
                          scope.selector ? "spec.selector" : "",
                          "No matching workloads for this resource with the following labels: " +
                              selector_text(labels)));
    }
  }
};

}  // namespace

AnalyzerPtr make_authorization_policy_workloads_analyzer() {
  return std::make_unique<AuthorizationPolicyWorkloadsAnalyzer>();
}

}  // namespace jib::mesh::analysis
