// The gRPC face of the ADS server on one port: a generic (bytes in, bytes out) service, so that
// streams can send shared serialized resources. Answers
// AggregatedDiscoveryService/StreamAggregatedResources and refuses other methods with
// UNIMPLEMENTED. Register with ServerBuilder::RegisterCallbackGenericService; one per server.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include "xds/serve/ads_server.h"
#include "xds/serve/stream_authorizer.h"

namespace jib::xds {

class AdsService final : public grpc::CallbackGenericService {
 public:
  static constexpr const char* kStreamMethod =
      "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

  // Without an authorizer every stream is served (plaintext 15010, as istiod's); with one, a
  // stream is served only once the authorizer accepts its caller for the node it names.
  explicit AdsService(AdsServer& server, const StreamAuthorizer* authorizer = nullptr)
      : server_(server), authorizer_(authorizer) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  AdsServer& server_;
  const StreamAuthorizer* authorizer_;
};

}  // namespace jib::xds
