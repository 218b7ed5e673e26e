// The gRPC face of the ADS server on one port: a generic (bytes in, bytes out) service, so that
// streams can send shared serialized resources. Answers
// AggregatedDiscoveryService/StreamAggregatedResources and refuses other methods with
// UNIMPLEMENTED. Register with ServerBuilder::RegisterCallbackGenericService; one per server.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include "xds/serve/ads_server.h"
#include "xds/serve/ads_stream.h"

namespace jib::xds {

class AdsService final : public grpc::CallbackGenericService {
 public:
  static constexpr const char* kStreamMethod =
      "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

  // Without an authorizer every stream is served (plaintext 15010, as istiod's); with one, a
  // stream is served only once the authorizer accepts its caller for the node it names, and
  // its namespace's credentials' keys only when the credentials gate allows.
  explicit AdsService(AdsServer& server, StreamSecurity security = {})
      : server_(server), security_(security) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  AdsServer& server_;
  StreamSecurity security_;
};

}  // namespace jib::xds
