// IST0101: a VirtualService route to a subset that no DestinationRule of its host defines.
#include "mesh/analysis/analyzers.h"
#include "mesh/analysis/route_destinations.h"
#include "mesh/model/snapshot.h"

namespace jib::mesh::analysis {
namespace {

class DestinationSubsetAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "virtualservice.destinationrules"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    // Subsets by the (resolved) host of their rule; a wildcard rule host covers what it matches.
    std::vector<std::pair<std::string, const DestinationRule*>> rules;
    for (const auto* dr : context.objects<DestinationRule>()) {
      rules.emplace_back(resolve_short_name(dr->host, dr->meta.ns), dr);
    }
    for (const auto* vs : context.objects<VirtualService>()) {
      const ConfigKey key{"VirtualService", vs->meta.ns, vs->meta.name};
      for (const auto& ref : route_destinations(*vs)) {
        if (ref.destination->subset.empty()) continue;
        const std::string host = resolve_short_name(ref.destination->host, vs->meta.ns);
        bool found = false;
        for (const auto& [rule_host, dr] : rules) {
          if (!host_matches(rule_host, host)) continue;
          for (const auto& s : dr->subsets) found = found || s.name == ref.destination->subset;
        }
        if (found) continue;
        out.push_back(context.finding("IST0101", "ReferencedResourceNotFound",
                                      Finding::Level::kError, key, vs->meta, ref.field + ".subset",
                                      "Referenced host+subset in destinationrule not found: \"" +
                                          ref.destination->host + "+" + ref.destination->subset +
                                          "\""));
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_destination_subset_analyzer() {
  return std::make_unique<DestinationSubsetAnalyzer>();
}

}  // namespace jib::mesh::analysis
