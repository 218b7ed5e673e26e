// The xDS server's metrics, named as Istio's pilot names them so dashboards carry over.
#pragma once

#include <array>

#include "base/metrics.h"
#include "xds/translate/type_urls.h"

namespace jib::xds {

struct XdsMetrics {
  explicit XdsMetrics(metrics::Registry& registry);

  metrics::Gauge& connected;  // pilot_xds
  // pilot_xds_pushes{type}, by ResourceType
  std::array<metrics::Counter*, kPushOrder.size()> pushes;
  // pilot_xds_<type>_reject, by ResourceType
  std::array<metrics::Counter*, kPushOrder.size()> rejects;
  metrics::Counter& total_rejects;  // pilot_total_xds_rejects
  metrics::Counter& snapshots;      // jib_xds_snapshots_built
  // pilot_sds_certificate_errors_total: SDS generations that withheld credentials' keys from a
  // caller not allowed to read them (istiod counts these refusals there too).
  metrics::Counter& credentials_refused;
  metrics::Counter& refused_streams;  // jib_xds_streams_refused_total (over --xds-max-streams)

  metrics::Counter& push(ResourceType type) { return *pushes[static_cast<size_t>(type)]; }
  metrics::Counter& reject(ResourceType type) { return *rejects[static_cast<size_t>(type)]; }
};

}  // namespace jib::xds
