#include <charconv>

#include "mesh/api/decode_kinds.h"
#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

void decode_mtls(Decoder& d, const YAML::Node& node, const std::string& path,
                 PeerAuthenticationMutualTLS& out) {
  using Mode = PeerAuthenticationMutualTLS::Mode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "mode") {
      return d.enumeration(v, p,
                           {{"UNSET", Mode::kUnset},
                            {"DISABLE", Mode::kDisable},
                            {"PERMISSIVE", Mode::kPermissive},
                            {"STRICT", Mode::kStrict}},
                           out.mode);
    }
    return false;
  });
}

// Keys are port numbers; out-of-range ones are kept (as 0 or their value) for validation to name.
void decode_port_level(Decoder& d, const YAML::Node& node, const std::string& path,
                       std::map<uint32_t, PeerAuthenticationMutualTLS>& out) {
  if (!d.expect_map(node, path)) return;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const std::string field = join(path, key);
    d.record(kv.first, field);
    uint64_t port = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), port);
    if (ec != std::errc() || end != key.data() + key.size() || port > 0xffffffffULL) {
      d.error(kv.first, field, "port must be a number, got \"" + key + "\"");
      continue;
    }
    auto& mtls = out[static_cast<uint32_t>(port)];
    if (!kv.second.IsNull()) decode_mtls(d, kv.second, field, mtls);
  }
}

}  // namespace

void decode_peer_authentication(Decoder& d, const YAML::Node& spec, PeerAuthentication& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "selector") {
      decode_workload_selector(d, v, p, "matchLabels", out.selector.emplace());
      return true;
    }
    if (key == "mtls") {
      decode_mtls(d, v, p, out.mtls.emplace());
      return true;
    }
    if (key == "portLevelMtls") {
      decode_port_level(d, v, p, out.port_level_mtls.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
