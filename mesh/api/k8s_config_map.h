// Kubernetes core/v1 ConfigMap: the mesh reads the `istio` ConfigMap's `mesh` key (MeshConfig)
// and the istio-ca-root-cert ConfigMaps.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

struct ConfigMap {
  ObjectMeta meta;
  std::map<std::string, std::string> data;
  std::map<std::string, std::string> binary_data;  // base64-decoded
  std::optional<bool> immutable;
  bool operator==(const ConfigMap&) const = default;
};

}  // namespace jib::mesh
