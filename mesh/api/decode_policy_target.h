// Internal to the parser: decoders of the security, extension and telemetry kinds, and the
// pieces they share.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "mesh/api/authorization_policy.h"
#include "mesh/api/peer_authentication.h"
#include "mesh/api/policy_target.h"
#include "mesh/api/request_authentication.h"
#include "mesh/api/telemetry.h"
#include "mesh/api/wasm_plugin.h"
#include "mesh/api/yaml_decoder.h"

namespace jib::mesh::detail {

void decode_peer_authentication(Decoder& d, const YAML::Node& spec, PeerAuthentication& out);
void decode_request_authentication(Decoder& d, const YAML::Node& spec, RequestAuthentication& out);
void decode_authorization_policy(Decoder& d, const YAML::Node& spec, AuthorizationPolicy& out);
void decode_wasm_plugin(Decoder& d, const YAML::Node& spec, WasmPlugin& out);
void decode_telemetry(Decoder& d, const YAML::Node& spec, Telemetry& out);

// Reads `key` into the scope when it is selector, targetRef or targetRefs; false otherwise, so
// that it can end a field dispatch.
bool decode_policy_scope_field(Decoder& d, std::string_view key, const YAML::Node& value,
                               const std::string& path, PolicyScope& out);

// A free-form value (google.protobuf.Struct) as JSON. Quoted YAML scalars, and so all JSON
// strings, stay strings; plain scalars are read as YAML 1.2's core schema reads them.
nlohmann::json yaml_to_json(const YAML::Node& node);

// A protobuf double (or DoubleValue wrapper).
bool decode_double(Decoder& d, const YAML::Node& node, const std::string& path,
                   std::optional<double>& out);

}  // namespace jib::mesh::detail
