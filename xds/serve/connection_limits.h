// What a client connection may hold on the xDS and CA ports: gRPC's own limits, set so that idle
// or abusive connections cannot crowd out proxies.
#pragma once

#include <grpcpp/grpcpp.h>

namespace jib::xds {

// Streams at once on one connection (a proxy needs one ADS stream, a CA client one call).
constexpr int kMaxStreamsPerConnection = 100;

inline void apply_connection_limits(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxStreamsPerConnection);
  // A connection with no call for this long is closed: a proxy always has its ADS stream open.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 5 * 60 * 1000);
  // Pings find connections whose peer vanished (as istiod: every 30 s, 10 s to answer).
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10 * 1000);
  // Requests are small; a 4 MiB DiscoveryRequest is already abuse.
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
}

}  // namespace jib::xds
