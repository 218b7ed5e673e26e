#include "cmd/jibctl/config_files.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/bounded_read.h"

namespace jib::ctl {
namespace {

namespace fs = std::filesystem;

bool is_config_file(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

LoadedConfig load_config(const std::vector<std::string>& paths, bool strict) {
  LoadedConfig out;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && is_config_file(it->path())) {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      out.files.push_back(path);
    } else {
      out.errors.push_back(mesh::ConfigError{path, 0, "", "", "no such file or directory"});
    }
  }
  std::map<mesh::ConfigKey, std::string> seen;  // key -> file:line of its first definition
  for (const auto& file : out.files) {
    // The limit jibd applies by default, so that what passes here loads there.
    std::string text, error;
    if (!read_file_bounded(file, mesh::kDefaultMaxConfigFileBytes, &text, &error)) {
      out.errors.push_back(mesh::ConfigError{file, 0, "", "", error});
      continue;
    }
    mesh::ParseOptions options;
    options.strict = strict;
    auto r = mesh::parse_and_validate(text, file, options);
    out.errors.insert(out.errors.end(), r.errors.begin(), r.errors.end());
    out.warnings.insert(out.warnings.end(), r.warnings.begin(), r.warnings.end());
    for (size_t i = 0; i < r.objects.size(); ++i) {
      const mesh::ConfigKey key = mesh::key_of(r.objects[i]);
      const auto& source = std::visit(
          [](const auto& o) -> const mesh::SourceLocation& { return o.meta.source; }, r.objects[i]);
      const std::string here = source.file + ":" + std::to_string(source.line);
      if (auto [it, inserted] = seen.emplace(key, here); !inserted) {
        out.errors.push_back(mesh::ConfigError{source.file, source.line, key.str(), "",
                                               "defined again (first at " + it->second + ")"});
        continue;
      }
      out.lines[key] = std::move(r.lines[i]);
      out.objects.push_back(std::move(r.objects[i]));
    }
  }
  return out;
}

mesh::MeshConfig mesh_config_for(const std::string& mesh_config_file, const LoadedConfig& config,
                                 mesh::ConfigErrors& errors) {
  mesh::MeshConfigResult result;
  if (!mesh_config_file.empty()) {
    result = mesh::load_mesh_config_file(mesh_config_file);
  } else {
    const std::string root = mesh::MeshConfig{}.root_namespace;
    for (const auto& o : config.objects) {
      const auto* cm = std::get_if<mesh::ConfigMap>(&o);
      if (cm != nullptr && cm->meta.name == mesh::kMeshConfigMapName && cm->meta.ns == root) {
        result = mesh::mesh_config_from_config_map(*cm);
      }
    }
  }
  errors.insert(errors.end(), result.errors.begin(), result.errors.end());
  return result.config;
}

std::string error_json(const mesh::ConfigError& e) {
  nlohmann::json j = {{"file", e.file},   {"line", e.line},       {"object", e.object},
                      {"field", e.field}, {"message", e.message}, {"text", e.str()}};
  return j.dump();
}

void add_output_flag(flags::FlagSet& set, std::string* format) {
  set.add({.name = "output",
           .target = format,
           .help = "how results are printed",
           .short_name = 'o',
           .choices = {"text", "json"}});
}

void add_mesh_config_flag(flags::FlagSet& set, std::string* file, std::string help) {
  set.add({.name = "mesh-config", .target = file, .help = std::move(help), .value_name = "FILE"});
}

}  // namespace jib::ctl
