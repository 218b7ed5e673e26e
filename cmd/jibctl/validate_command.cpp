// jibctl validate: parses and validates config files as jibd would, strictly by default (fields
// this Jib does not know are errors), and reports every error with its file and line.
// Exit status: 0 when everything is valid, 1 when anything is not, 2 on a usage error.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cmd/jibctl/command.h"
#include "cmd/jibctl/config_files.h"
#include "mesh/api/unapplied_fields.h"

namespace jib::ctl {
namespace {

constexpr const char* kUsage =
    "usage: jibctl validate [-o text|json] [--lenient] [--mesh-config FILE] FILE|DIR...\n"
    "  -o json            one JSON document: {valid, files, objects, errors, warnings}\n"
    "  --lenient          unknown fields are warnings (as in jibd), not errors\n"
    "  --mesh-config FILE also validate this MeshConfig file\n"
    "A directory is read recursively (*.yaml, *.yml, *.json). The `mesh` key of an `istio`\n"
    "ConfigMap among the files is validated as MeshConfig.\n";

// Fields that pass validation but that jibd does not apply yet: warnings, so that a user learns
// that (say) a fault injection will do nothing, without failing valid config.
void add_unapplied_warnings(const std::string& mesh_config_file, const mesh::MeshConfig& mesh,
                            LoadedConfig& config) {
  for (const auto& object : config.objects) {
    const auto lines = config.lines.find(mesh::key_of(object));
    auto found =
        mesh::unapplied_warnings(object, lines == config.lines.end() ? nullptr : &lines->second);
    config.warnings.insert(config.warnings.end(), found.begin(), found.end());
  }
  if (mesh_config_file.empty()) return;
  for (const auto& use : mesh::unapplied_fields(mesh)) {
    config.warnings.push_back(mesh::ConfigError{mesh_config_file, 0, "MeshConfig", use.field,
                                                mesh::unapplied_message(use)});
  }
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "jibctl validate: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int run_validate(const std::vector<std::string_view>& argv) {
  std::vector<std::string> args(argv.begin(), argv.end());
  auto format = take_output_flag(args);
  if (!format) return usage_error("-o needs text or json");
  bool strict = true;
  std::string mesh_config_file;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--lenient") {
      strict = false;
    } else if (args[i] == "--mesh-config" && i + 1 < args.size()) {
      mesh_config_file = args[++i];
    } else if (args[i].starts_with("--mesh-config=")) {
      mesh_config_file = args[i].substr(args[i].find('=') + 1);
    } else if (args[i] == "-h" || args[i] == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (args[i].starts_with("-")) {
      return usage_error("unknown flag " + args[i]);
    } else {
      paths.push_back(args[i]);
    }
  }
  if (paths.empty() && mesh_config_file.empty()) return usage_error("no file or directory given");

  LoadedConfig config = load_config(paths, strict);
  const mesh::MeshConfig mesh = mesh_config_for(mesh_config_file, config, config.errors);
  add_unapplied_warnings(mesh_config_file, mesh, config);
  const bool valid = config.errors.empty();

  if (*format == "json") {
    nlohmann::json out = {{"valid", valid},
                          {"files", config.files.size()},
                          {"objects", config.objects.size()},
                          {"errors", nlohmann::json::array()},
                          {"warnings", nlohmann::json::array()}};
    for (const auto& e : config.errors)
      out["errors"].push_back(nlohmann::json::parse(error_json(e)));
    for (const auto& w : config.warnings) {
      out["warnings"].push_back(nlohmann::json::parse(error_json(w)));
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    for (const auto& w : config.warnings) std::fprintf(stderr, "warning: %s\n", w.str().c_str());
    for (const auto& e : config.errors) std::printf("%s\n", e.str().c_str());
    std::fprintf(stderr, "%zu file(s), %zu valid object(s), %zu error(s)\n", config.files.size(),
                 config.objects.size(), config.errors.size());
  }
  return valid ? 0 : 1;
}

}  // namespace jib::ctl
