// The ADS gRPC service: accepts streams, keeps the current push context, fans pushes out.
#pragma once

#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include <grpcpp/generic/async_generic_service.h>

#include "xds/push_context.h"
#include "xds/xds_metrics.h"

namespace jib::xds {

class AdsStream;

// A generic (bytes in, bytes out) service, so that streams can send shared serialized
// resources; it answers AggregatedDiscoveryService/StreamAggregatedResources and refuses any
// other method with UNIMPLEMENTED. Register it with ServerBuilder::RegisterCallbackGenericService.
class AdsServer final : public grpc::CallbackGenericService {
 public:
  static constexpr const char* kStreamMethod =
      "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

  AdsServer(PushContextPtr initial, XdsMetrics& metrics);

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

  // Makes the context current and pushes what changed to every stream. One caller at a time
  // (the push queue's thread).
  void push(PushContextPtr context);

  PushContextPtr current() const;
  XdsMetrics& metrics() { return metrics_; }

  // One row per identified proxy, sorted by proxy id.
  nlohmann::json sync_status() const;

  // Called by streams.
  void add(const std::shared_ptr<AdsStream>& stream);
  void remove(const AdsStream* stream);

 private:
  XdsMetrics& metrics_;
  mutable std::mutex mutex_;
  PushContextPtr current_;
  std::map<const AdsStream*, std::weak_ptr<AdsStream>> streams_;
};

}  // namespace jib::xds
