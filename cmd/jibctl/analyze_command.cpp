// jibctl analyze: cross-object findings over a config directory, with Istio's analyzer codes
// (IST0101, IST0109, IST0173, ...). Objects that fail validation are reported as IST0106
// SchemaValidationError and left out of the analysis.
// Exit status, as istioctl's: 79 when a finding is an error, 0 otherwise; 2 on a usage error.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cmd/jibctl/command.h"
#include "cmd/jibctl/config_files.h"
#include "mesh/analysis/analyzers.h"

namespace jib::ctl {
namespace {

constexpr int kFoundIssues = 79;

constexpr const char* kUsage =
    "usage: jibctl analyze [-o text|json] [--mesh-config FILE] DIR|FILE...\n"
    "  -o json            a JSON list of findings {code, name, level, object, file, line,\n"
    "                     field, message}\n"
    "  --mesh-config FILE the MeshConfig (default: the `mesh` key of the istio ConfigMap in\n"
    "                     istio-system among the files, else Istio's defaults)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "jibctl analyze: %s\n%s", message.c_str(), kUsage);
  return 2;
}

mesh::analysis::Finding schema_finding(const mesh::ConfigError& e) {
  mesh::analysis::Finding f;
  f.code = "IST0106";
  f.name = "SchemaValidationError";
  f.level = mesh::analysis::Finding::Level::kError;
  // The object is known only by its "Kind ns/name" text here.
  const size_t space = e.object.find(' ');
  const size_t slash = e.object.find('/');
  if (space != std::string::npos && slash != std::string::npos && slash > space) {
    f.object =
        mesh::ConfigKey{e.object.substr(0, space), e.object.substr(space + 1, slash - space - 1),
                        e.object.substr(slash + 1)};
  } else {
    f.object = mesh::ConfigKey{e.object, "", ""};
  }
  f.file = e.file;
  f.line = e.line;
  f.field = e.field;
  f.message = e.message;
  return f;
}

}  // namespace

int run_analyze(const std::vector<std::string_view>& argv) {
  std::vector<std::string> args(argv.begin(), argv.end());
  auto format = take_output_flag(args);
  if (!format) return usage_error("-o needs text or json");
  std::string mesh_config_file;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--mesh-config" && i + 1 < args.size()) {
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
  if (paths.empty()) return usage_error("no directory given");

  LoadedConfig config = load_config(paths, /*strict=*/false);
  mesh::MeshConfig mesh_config = mesh_config_for(mesh_config_file, config, config.errors);
  auto state = std::make_shared<mesh::StoreState>();
  for (auto& o : config.objects) {
    const mesh::ConfigKey key = mesh::key_of(o);  // before o is moved from
    state->objects[key] = std::make_shared<const mesh::ConfigObject>(std::move(o));
  }
  mesh::analysis::Context context(state, mesh_config, std::move(config.lines));
  std::vector<mesh::analysis::Finding> findings;
  for (const auto& e : config.errors) findings.push_back(schema_finding(e));
  auto analyzed = mesh::analysis::analyze(context);
  findings.insert(findings.end(), analyzed.begin(), analyzed.end());

  bool any_error = false;
  for (const auto& f : findings) {
    any_error = any_error || f.level == mesh::analysis::Finding::Level::kError;
  }
  if (*format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : findings) {
      out.push_back({{"code", f.code},
                     {"name", f.name},
                     {"level", std::string(mesh::analysis::level_name(f.level))},
                     {"object", f.object.str()},
                     {"file", f.file},
                     {"line", f.line},
                     {"field", f.field},
                     {"message", f.message}});
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else if (findings.empty()) {
    std::printf("No validation issues found when analyzing %zu file(s).\n", config.files.size());
  } else {
    for (const auto& f : findings) std::printf("%s\n", f.str().c_str());
  }
  return any_error ? kFoundIssues : 0;
}

}  // namespace jib::ctl
