// IST0101: a VirtualService route to a host that no ServiceEntry or Kubernetes Service defines.
#include "mesh/analysis/analyzers.h"
#include "mesh/analysis/route_destinations.h"
#include "mesh/model/snapshot.h"

namespace jib::mesh::analysis {
namespace {

class DestinationHostAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "virtualservice.destinationhost"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    for (const auto* vs : context.objects<VirtualService>()) {
      const ConfigKey key{"VirtualService", vs->meta.ns, vs->meta.name};
      for (const auto& ref : route_destinations(*vs)) {
        const std::string host = resolve_short_name(ref.destination->host, vs->meta.ns);
        if (context.host_known(host)) continue;
        out.push_back(context.finding(
            "IST0101", "ReferencedResourceNotFound", Finding::Level::kError, key, vs->meta,
            ref.field + ".host", "Referenced host not found: \"" + ref.destination->host + "\""));
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_destination_host_analyzer() { return std::make_unique<DestinationHostAnalyzer>(); }

}  // namespace jib::mesh::analysis
