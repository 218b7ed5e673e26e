// Which MeshConfig jibd builds snapshots with, as istiod picks it: a --mesh-config file when
// given; otherwise the `mesh` key of the `istio` ConfigMap in the control plane's namespace,
// read from the store like any object, so that editing it is pushed like any change; otherwise
// Istio's defaults.
#pragma once

#include <string>

#include "mesh/api/mesh_config.h"
#include "mesh/config/config_store.h"

namespace jib::mesh {

struct MeshConfigSource {
  MeshConfigPtr file;               // from --mesh-config; wins over the ConfigMap when set
  MeshConfigPtr defaults;           // without file and ConfigMap
  std::string ns = "istio-system";  // where the istio ConfigMap is read

  // A ConfigMap whose mesh config is invalid never reaches the store (validation refuses it
  // with the object), so the defaults below that case are only a guard.
  MeshConfigPtr resolve(const StoreState& state) const;
};

}  // namespace jib::mesh
