#include "xds/serve/xds_metrics.h"

#include <string>

namespace jib::xds {
namespace {

std::string type_label(ResourceType type) {
  return "type=\"" + std::string(short_name(type)) + "\"";
}

}  // namespace

XdsMetrics::XdsMetrics(metrics::Registry& registry)
    : connected(
          registry.gauge("pilot_xds", "Number of endpoints connected to this pilot using XDS.")),
      total_rejects(
          registry.counter("pilot_total_xds_rejects",
                           "Total number of XDS responses from pilot rejected by proxy.")),
      snapshots(registry.counter("jib_xds_snapshots_built",
                                 "Number of snapshots built and pushed to every connected proxy.")),
      credentials_refused(
          registry.counter("pilot_sds_certificate_errors_total",
                           "Total number of failures to fetch SDS key and certificate.")),
      refused_streams(registry.counter("jib_xds_streams_refused_total",
                                       "xDS streams refused because --xds-max-streams were open.")) {
  for (ResourceType type : kPushOrder) {
    size_t i = static_cast<size_t>(type);
    pushes[i] = &registry.counter("pilot_xds_pushes",
                                  "Pilot build and send errors for lds, rds, cds and eds.",
                                  type_label(type));
    rejects[i] = &registry.counter("pilot_xds_" + std::string(short_name(type)) + "_reject",
                                   "Pilot rejected " + std::string(short_name(type)) + " configs.");
  }
}

}  // namespace jib::xds
