// The ADS server: keeps the current push context and every stream, and fans pushes out.
#pragma once

#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "xds/serve/ads_stream.h"
#include "xds/serve/push_context.h"
#include "xds/serve/xds_metrics.h"

namespace jib::xds {

// Every ADS stream of the process, whichever port it came in on (xds::AdsService is the gRPC
// face of one port), and the push context they are served from.
class AdsServer final : public AdsStreamHost {
 public:
  AdsServer(PushContextPtr initial, XdsMetrics& metrics);

  // Makes the context current and pushes what changed to every stream. One caller at a time
  // (the push queue's thread).
  void push(PushContextPtr context);

  PushContextPtr current() const override;
  XdsMetrics& metrics() override { return metrics_; }

  // One row per identified proxy, sorted by proxy id.
  nlohmann::json sync_status() const;

  void add(const std::shared_ptr<AdsStream>& stream) override;
  void remove(const AdsStream* stream) override;

 private:
  XdsMetrics& metrics_;
  mutable std::mutex mutex_;
  PushContextPtr current_;
  std::map<const AdsStream*, std::weak_ptr<AdsStream>> streams_;
};

}  // namespace jib::xds
