#include "mesh/api/mesh_config.h"

#include "base/bounded_read.h"
#include "mesh/api/mesh_config_internal.h"
#include "mesh/api/yaml_guard.h"

namespace jib::mesh {
namespace {

MeshConfigResult parse(std::string_view text, const std::string& file, const std::string& object) {
  MeshConfigResult result;
  if (auto hazard = detail::find_yaml_hazard(text)) {
    result.errors.push_back(ConfigError{file, hazard->line, object, "", hazard->message});
    return result;
  }
  YAML::Node node;
  try {
    node = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    result.errors.push_back(
        ConfigError{file, e.mark.is_null() ? 0 : e.mark.line + 1, object, "", e.msg});
    return result;
  }
  // An empty document is a MeshConfig with every default.
  if (!node.IsDefined() || node.IsNull()) return result;
  FieldLines lines;
  lines[""] = detail::Decoder::line_of(node);
  MeshConfig config;
  detail::Decoder d(file, &result.errors, &result.warnings, &lines);
  d.set_object(object);
  try {
    detail::decode_mesh_config(d, node, config);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(
        ConfigError{file, e.mark.is_null() ? 0 : e.mark.line + 1, object, "", e.msg});
  }
  if (!result.errors.empty()) return result;
  result.errors = detail::validate_mesh_config(config, file, object, lines);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

const ExtensionProvider* MeshConfig::provider(std::string_view name) const {
  for (const auto& e : extension_providers) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

MeshConfigResult parse_mesh_config(std::string_view text, const std::string& file_name) {
  return parse(text, file_name, "MeshConfig");
}

MeshConfigResult load_mesh_config_file(const std::string& path, size_t max_bytes) {
  std::string text, error;
  if (!read_file_bounded(path, max_bytes, &text, &error)) {
    MeshConfigResult result;
    result.errors.push_back(ConfigError{path, 0, "MeshConfig", "", error});
    return result;
  }
  return parse(text, path, "MeshConfig");
}

MeshConfigResult mesh_config_from_config_map(const ConfigMap& config_map) {
  const std::string object = "ConfigMap " + config_map.meta.ns + "/" + config_map.meta.name;
  auto it = config_map.data.find(std::string(kMeshConfigKey));
  if (it == config_map.data.end()) return MeshConfigResult{};
  MeshConfigResult result = parse(it->second, config_map.meta.source.file, object);
  // Lines inside the embedded document count from its first line; name the key in each error.
  for (auto* list : {&result.errors, &result.warnings}) {
    for (auto& e : *list) {
      if (e.line > 0) e.message += " (line " + std::to_string(e.line) + " of data.mesh)";
      e.field = e.field.empty() ? "data.mesh" : "data.mesh." + e.field;
      e.line = config_map.meta.source.line;
    }
  }
  return result;
}

}  // namespace jib::mesh
