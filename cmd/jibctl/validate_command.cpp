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

constexpr const char* kUsageHead =
    "usage: jibctl validate [-o text|json] [--lenient] [--mesh-config FILE] FILE|DIR...\n"
    "A directory is read recursively (*.yaml, *.yml, *.json). The `mesh` key of an `istio`\n"
    "ConfigMap among the files is validated as MeshConfig.\n";

constexpr const char* kFooter =
    "-o json prints one JSON document: {valid, files, objects, errors, warnings}.\n"
    "Exit status: 0 when everything is valid, 1 when anything is not, 2 on a usage error.\n";

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

}  // namespace

int run_validate(const std::vector<std::string>& args) {
  constexpr std::string_view kProgram = "jibctl validate";
  std::string format = "text";
  bool lenient = false;
  std::string mesh_config_file;
  flags::FlagSet set(kUsageHead);
  add_output_flag(set, &format);
  set.add({.name = "lenient",
           .target = &lenient,
           .help = "unknown fields are warnings (as in jibd), not errors"});
  add_mesh_config_flag(set, &mesh_config_file, "also validate this MeshConfig file");
  set.footer(kFooter);
  const flags::ParseResult parsed = set.parse(args);
  if (auto code = flags::exit_code(parsed, set, kProgram)) return *code;
  const std::vector<std::string>& paths = parsed.positional;
  if (paths.empty() && mesh_config_file.empty()) {
    return flags::usage_error(set, kProgram, "no file or directory given");
  }
  const bool strict = !lenient;

  LoadedConfig config = load_config(paths, strict);
  const mesh::MeshConfig mesh = mesh_config_for(mesh_config_file, config, config.errors);
  add_unapplied_warnings(mesh_config_file, mesh, config);
  const bool valid = config.errors.empty();

  if (format == "json") {
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
