#include <set>

#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {
namespace {

// Istio accepts oci://, file://, http:// and https://, and a reference without a scheme, which
// it reads as an OCI image ("ghcr.io/org/filter:1.0").
std::string check_url(const std::string& url) {
  for (char c : url) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return "URL must not contain white space";
  }
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    if (url.find(':') == 0) return "\"" + url + "\" is not a URL";
    return "";
  }
  std::string scheme = url.substr(0, sep);
  if (scheme != "oci" && scheme != "file" && scheme != "http" && scheme != "https") {
    return "scheme \"" + scheme + "\" is not supported (expected oci, file, http or https)";
  }
  if (sep + 3 == url.size()) return "\"" + url + "\" has nothing after the scheme";
  return "";
}

bool is_sha256(const std::string& value) {
  if (value.size() != 64) return false;
  for (char c : value) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void validate_vm_config(const WasmVmConfig& vm, Reporter& report) {
  if (vm.env.size() > 256) {
    report("spec.vmConfig.env", "at most 256 variables are allowed");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < vm.env.size(); ++i) {
    const auto& env = vm.env[i];
    const std::string path = "spec.vmConfig.env[" + std::to_string(i) + "]";
    if (env.name.empty()) {
      report(path + ".name", "required");
    } else if (env.name.size() > 256) {
      report(path + ".name", "longer than 256 characters");
    } else if (!names.insert(env.name).second) {
      report(path + ".name", "duplicate variable \"" + env.name + "\"");
    }
    if (env.value_from == WasmEnvVar::ValueSource::kHost && !env.value.empty()) {
      report(path + ".value", "only allowed when valueFrom is INLINE");
    }
    if (env.value.size() > 2048) report(path + ".value", "longer than 2048 characters");
  }
}

}  // namespace

void validate_wasm_plugin(const WasmPlugin& wp, Reporter& report) {
  validate_policy_scope(wp.scope, report);
  if (wp.url.empty()) {
    report("spec.url", "required");
  } else if (auto reason = check_url(wp.url); !reason.empty()) {
    report("spec.url", reason);
  }
  if (!wp.sha256.empty() && !is_sha256(wp.sha256)) {
    report("spec.sha256", "\"" + wp.sha256 + "\" is not 64 lower-case hexadecimal digits");
  }
  if (wp.image_pull_secret.size() > 253) {
    report("spec.imagePullSecret", "longer than 253 characters");
  }
  if (wp.plugin_name.size() > 256) report("spec.pluginName", "longer than 256 characters");
  if (wp.vm_config) validate_vm_config(*wp.vm_config, report);
  for (size_t i = 0; i < wp.match.size(); ++i) {
    std::set<uint32_t> ports;
    const auto& m = wp.match[i];
    for (size_t j = 0; j < m.ports.size(); ++j) {
      const std::string path =
          "spec.match[" + std::to_string(i) + "].ports[" + std::to_string(j) + "].number";
      validate_port_number(m.ports[j].number, path, report);
      if (!ports.insert(m.ports[j].number).second) {
        report(path, "duplicate port " + std::to_string(m.ports[j].number));
      }
    }
  }
}

}  // namespace jib::mesh::detail
