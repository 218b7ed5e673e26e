// Every xDS type has its own push and reject counters, under Istio's names.
#include "xds/serve/xds_metrics.h"

#include <gtest/gtest.h>

namespace jib::xds {
namespace {

TEST(XdsMetrics, EachTypeCountsUnderItsOwnName) {
  metrics::Registry registry;
  XdsMetrics metrics(registry);
  for (ResourceType type : kPushOrder) metrics.reject(type).inc();
  metrics.push(ResourceType::kSecret).inc(2);
  metrics.total_rejects.inc(3);
  metrics.credentials_refused.inc(4);
  const std::string text = registry.render();
  for (const char* line : {"pilot_xds_cds_reject 1", "pilot_xds_sds_reject 1",
                           "pilot_xds_pushes{type=\"sds\"} 2", "pilot_xds_pushes{type=\"cds\"} 0",
                           "pilot_total_xds_rejects 3", "pilot_sds_certificate_errors_total 4"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace jib::xds
