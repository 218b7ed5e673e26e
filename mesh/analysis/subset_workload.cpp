// IST0173: a DestinationRule subset whose labels select none of its host's workloads; traffic
// routed to it fails with 503 UH. Only hosts whose workloads are known here are checked (a
// Kubernetes Service with a selector, a ServiceEntry with endpoints or a workloadSelector).
#include "mesh/analysis/analyzers.h"
#include "mesh/model/snapshot.h"

namespace jib::mesh::analysis {
namespace {

class SubsetWorkloadAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "destinationrule.subsetselectspods"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    for (const auto* dr : context.objects<DestinationRule>()) {
      const std::string host = resolve_short_name(dr->host, dr->meta.ns);
      bool has_source = false;
      auto workloads = context.workloads_of_host(host, &has_source);
      if (!has_source) continue;
      const ConfigKey key{"DestinationRule", dr->meta.ns, dr->meta.name};
      for (size_t i = 0; i < dr->subsets.size(); ++i) {
        const auto& subset = dr->subsets[i];
        bool selects = false;
        for (const auto& w : workloads) selects = selects || labels_match(subset.labels, *w.labels);
        if (selects) continue;
        out.push_back(context.finding(
            "IST0173", "DestinationRuleSubsetNotSelectPods", Finding::Level::kError, key, dr->meta,
            "spec.subsets[" + std::to_string(i) + "]",
            "The Subset " + subset.name +
                " defined in the DestinationRule does not select any pods, which may lead to "
                "503 UH (NoHealthyUpstream)"));
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_subset_workload_analyzer() { return std::make_unique<SubsetWorkloadAnalyzer>(); }

}  // namespace jib::mesh::analysis
