// Internal to MeshConfig: its decoder and validator.
#pragma once

#include <yaml-cpp/yaml.h>

#include "mesh/api/mesh_config.h"
#include "mesh/api/yaml_decoder.h"

namespace jib::mesh::detail {

// Reads the fields of a MeshConfig document over the defaults already in out.
void decode_mesh_config(Decoder& d, const YAML::Node& node, MeshConfig& out);

// Istio's checks of a MeshConfig; errors carry lines from `lines` and name `file`/`object`.
ConfigErrors validate_mesh_config(const MeshConfig& mc, const std::string& file,
                                  const std::string& object, const FieldLines& lines);

}  // namespace jib::mesh::detail
