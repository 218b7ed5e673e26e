// Generated xDS resources: serialized once, hashed once, and shared (not copied) by every
// connection that sends them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>

namespace jib::xds {

struct Resource {
  std::string name;
  // The resource as it stands inside a DiscoveryResponse: field `resources` (2), an Any
  // with its type URL and value, already tagged and length-prefixed. Sending is appending.
  std::shared_ptr<const std::string> wire;
  uint64_t hash = 0;  // of the deterministic serialization: equal hash, same content

  // The Any, decoded again from the wire form (debug pages and tests).
  google::protobuf::Any any() const;
};

// Sorted by name, names unique.
using Resources = std::vector<Resource>;
using ResourcesPtr = std::shared_ptr<const Resources>;

Resource make_resource(std::string name, const google::protobuf::Message& message);

// Sorts by name. Generators build in any order and call this once at the end.
ResourcesPtr finish(Resources resources);

// A version string for a set of resources: equal content gives an equal version.
std::string version_of(const std::vector<const Resource*>& resources);

}  // namespace jib::xds
