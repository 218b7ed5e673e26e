#include "mesh/config/mesh_config_source.h"

namespace jib::mesh {

MeshConfigPtr MeshConfigSource::resolve(const StoreState& state) const {
  if (file) return file;
  auto it = state.objects.find(ConfigKey{"ConfigMap", ns, std::string(kMeshConfigMapName)});
  const auto* config_map =
      it == state.objects.end() ? nullptr : std::get_if<ConfigMap>(it->second.get());
  if (config_map == nullptr) return defaults;
  MeshConfigResult result = mesh_config_from_config_map(*config_map);
  return result.ok() ? std::make_shared<const MeshConfig>(std::move(result.config)) : defaults;
}

}  // namespace jib::mesh
