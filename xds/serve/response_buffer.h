// Builds a DiscoveryResponse on the wire without copying the shared resources into it.
#pragma once

#include <string>
#include <vector>

#include <grpcpp/support/byte_buffer.h>

#include "xds/translate/resources.h"

namespace jib::xds {

// The response is `header` (a serialized DiscoveryResponse without resources) followed by each
// resource's wire form: protobuf concatenation is a merge, so the result parses as one
// message. Large resources are referenced, not copied, and `keep` holds them alive until gRPC
// has sent the bytes.
grpc::ByteBuffer response_buffer(const std::string& header,
                                 const std::vector<const Resource*>& resources, ResourcesPtr keep);

}  // namespace jib::xds
