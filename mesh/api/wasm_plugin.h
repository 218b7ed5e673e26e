// extensions.istio.io WasmPlugin (v1alpha1), as typed values.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/policy_target.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

struct WasmEnvVar {
  enum class ValueSource { kInline, kHost };
  std::string name;
  ValueSource value_from = ValueSource::kInline;
  std::string value;  // only with kInline; kHost reads the variable of the proxy's host
  bool operator==(const WasmEnvVar&) const = default;
};

struct WasmVmConfig {
  std::vector<WasmEnvVar> env;
  bool operator==(const WasmVmConfig&) const = default;
};

struct WasmTrafficSelector {
  enum class Mode { kUndefined, kClient, kServer, kClientAndServer };
  Mode mode = Mode::kUndefined;
  std::vector<PortSelector> ports;
  bool operator==(const WasmTrafficSelector&) const = default;
};

struct WasmPlugin {
  enum class Phase { kUnspecified, kAuthn, kAuthz, kStats };
  enum class PullPolicy { kUnspecified, kIfNotPresent, kAlways };
  enum class FailStrategy { kFailClose, kFailOpen, kFailReload };
  enum class Type { kUnspecified, kHttp, kNetwork };

  ObjectMeta meta;
  PolicyScope scope;
  std::string url;     // oci://, file://, http://, https://, or an OCI reference without scheme
  std::string sha256;  // 64 lower-case hex digits, or empty
  PullPolicy image_pull_policy = PullPolicy::kUnspecified;
  std::string image_pull_secret;
  std::string verification_key;
  // Opaque to Jib: handed to the plugin as JSON. Null when absent.
  nlohmann::json plugin_config;
  std::string plugin_name;
  Phase phase = Phase::kUnspecified;
  std::optional<int32_t> priority;
  FailStrategy fail_strategy = FailStrategy::kFailClose;
  std::optional<WasmVmConfig> vm_config;
  std::vector<WasmTrafficSelector> match;
  Type type = Type::kUnspecified;
  bool operator==(const WasmPlugin&) const = default;
};

}  // namespace jib::mesh
