#include "xds/translate/generators.h"

namespace jib::xds {

ResourcesPtr generate(ResourceType type, const mesh::Snapshot& snapshot, const Proxy& proxy) {
  switch (type) {
    case ResourceType::kCluster:
      return generate_clusters(snapshot, proxy);
    case ResourceType::kEndpoint:
      return generate_endpoints(snapshot, proxy);
    case ResourceType::kListener:
      return generate_listeners(snapshot, proxy);
    case ResourceType::kRoute:
      return generate_routes(snapshot, proxy);
    case ResourceType::kSecret:
      return generate_secrets(snapshot, proxy);
  }
  return finish({});
}

}  // namespace jib::xds
