// Reading config files and directories for `jibctl validate` and `jibctl analyze`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/flags.h"
#include "mesh/api/mesh_config.h"
#include "mesh/api/parse.h"
#include "mesh/config/config_store.h"

namespace jib::ctl {

struct LoadedConfig {
  std::vector<std::string> files;  // every file read, in order
  std::vector<mesh::ConfigObject> objects;
  std::map<mesh::ConfigKey, mesh::FieldLines> lines;
  mesh::ConfigErrors errors;    // parse and validation errors, by file then line
  mesh::ConfigErrors warnings;  // unknown kinds, and unknown fields when not strict
};

// Expands each path: a file as it is, a directory to its *.yaml, *.yml and *.json files
// (recursively, sorted). A path that does not exist is an error in the result.
// Two objects with the same kind, namespace and name are an error at the second.
LoadedConfig load_config(const std::vector<std::string>& paths, bool strict);

// The MeshConfig in force: the file given, else the `mesh` key of an `istio` ConfigMap among the
// objects (in the root namespace of the defaults), else Istio's defaults. Its errors are added
// to errors.
mesh::MeshConfig mesh_config_for(const std::string& mesh_config_file, const LoadedConfig& config,
                                 mesh::ConfigErrors& errors);

// A ConfigError as a JSON object string, for `-o json`.
std::string error_json(const mesh::ConfigError& e);

// -o/--output text|json, and --mesh-config FILE (the MeshConfig in force; see mesh_config_for).
void add_output_flag(flags::FlagSet& set, std::string* format);
void add_mesh_config_flag(flags::FlagSet& set, std::string* file, std::string help);

}  // namespace jib::ctl
