#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

void decode_env(Decoder& d, const YAML::Node& node, const std::string& path, WasmEnvVar& out) {
  using Source = WasmEnvVar::ValueSource;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "valueFrom") {
      return d.enumeration(v, p, {{"INLINE", Source::kInline}, {"HOST", Source::kHost}},
                           out.value_from);
    }
    if (key == "value") return d.str(v, p, out.value);
    return false;
  });
}

void decode_vm_config(Decoder& d, const YAML::Node& node, const std::string& path,
                      WasmVmConfig& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "env")
      return d.list(v, p, out.env, [&](auto& n, auto& ip, auto& e) { decode_env(d, n, ip, e); });
    return false;
  });
}

void decode_traffic_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                             WasmTrafficSelector& out) {
  using Mode = WasmTrafficSelector::Mode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "mode") {
      return d.enumeration(v, p,
                           {{"UNDEFINED", Mode::kUndefined},
                            {"CLIENT", Mode::kClient},
                            {"SERVER", Mode::kServer},
                            {"CLIENT_AND_SERVER", Mode::kClientAndServer}},
                           out.mode);
    }
    if (key == "ports") {
      return d.list(v, p, out.ports, [&](auto& n, auto& ip, PortSelector& port) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
          if (k == "number") return d.u32(pv, pp, port.number);
          return false;
        });
      });
    }
    return false;
  });
}

}  // namespace

void decode_wasm_plugin(Decoder& d, const YAML::Node& spec, WasmPlugin& out) {
  using Phase = WasmPlugin::Phase;
  using PullPolicy = WasmPlugin::PullPolicy;
  using FailStrategy = WasmPlugin::FailStrategy;
  using Type = WasmPlugin::Type;
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (decode_policy_scope_field(d, key, v, p, out.scope)) return true;
    if (key == "url") return d.str(v, p, out.url);
    if (key == "sha256") return d.str(v, p, out.sha256);
    if (key == "imagePullPolicy") {
      return d.enumeration(v, p,
                           {{"UNSPECIFIED_POLICY", PullPolicy::kUnspecified},
                            {"IfNotPresent", PullPolicy::kIfNotPresent},
                            {"Always", PullPolicy::kAlways}},
                           out.image_pull_policy);
    }
    if (key == "imagePullSecret") return d.str(v, p, out.image_pull_secret);
    if (key == "verificationKey") return d.str(v, p, out.verification_key);
    if (key == "pluginConfig") {
      if (d.expect_map(v, p)) out.plugin_config = yaml_to_json(v);
      return true;
    }
    if (key == "pluginName") return d.str(v, p, out.plugin_name);
    if (key == "phase") {
      return d.enumeration(v, p,
                           {{"UNSPECIFIED_PHASE", Phase::kUnspecified},
                            {"AUTHN", Phase::kAuthn},
                            {"AUTHZ", Phase::kAuthz},
                            {"STATS", Phase::kStats}},
                           out.phase);
    }
    if (key == "priority") {
      int32_t priority = 0;
      size_t before = d.error_count();
      d.i32(v, p, priority);
      if (d.error_count() == before) out.priority = priority;
      return true;
    }
    if (key == "failStrategy") {
      return d.enumeration(v, p,
                           {{"FAIL_CLOSE", FailStrategy::kFailClose},
                            {"FAIL_OPEN", FailStrategy::kFailOpen},
                            {"FAIL_RELOAD", FailStrategy::kFailReload}},
                           out.fail_strategy);
    }
    if (key == "vmConfig") {
      decode_vm_config(d, v, p, out.vm_config.emplace());
      return true;
    }
    if (key == "match")
      return d.list(v, p, out.match,
                    [&](auto& n, auto& ip, auto& m) { decode_traffic_selector(d, n, ip, m); });
    if (key == "type") {
      return d.enumeration(v, p,
                           {{"UNSPECIFIED_PLUGIN_TYPE", Type::kUnspecified},
                            {"HTTP", Type::kHttp},
                            {"NETWORK", Type::kNetwork}},
                           out.type);
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
