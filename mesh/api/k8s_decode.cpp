#include "mesh/api/k8s_decode.h"

#include <array>
#include <charconv>

namespace jib::mesh::detail {
namespace {

// The keys every decoder here leaves to parse.cpp.
bool is_envelope(std::string_view key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

bool protocol(Decoder& d, const YAML::Node& v, const std::string& p, K8sProtocol& out) {
  return d.enumeration<K8sProtocol>(
      v, p, {{"TCP", K8sProtocol::kTcp}, {"UDP", K8sProtocol::kUdp}, {"SCTP", K8sProtocol::kSctp}},
      out);
}

// A plain number is a port number; a quoted one (JSON "8080", YAML '8080') is a name, as the
// API server reads IntOrString. Quoted digits then fail validation as a port name.
bool int_or_string(Decoder& d, const YAML::Node& v, const std::string& p, IntOrString& out) {
  std::string text;
  if (!d.scalar(v, p, text)) return true;
  uint32_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (v.Tag() != "!" && ec == std::errc() && end == text.data() + text.size()) {
    out = number;
  } else {
    out = text;
  }
  return true;
}

void decode_service_port(Decoder& d, const YAML::Node& node, const std::string& path,
                         K8sServicePort& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "port") return d.u32(v, p, out.port);
    if (key == "targetPort") return int_or_string(d, v, p, out.target_port);
    if (key == "protocol") return protocol(d, v, p, out.protocol);
    if (key == "appProtocol") return d.str(v, p, out.app_protocol);
    if (key == "nodePort") return d.u32(v, p, out.node_port);
    return true;
  });
}

bool container_list(Decoder& d, const YAML::Node& node, const std::string& path,
                    std::vector<Container>& out) {
  return d.list(node, path, out, [&](const YAML::Node& item, const std::string& ip, Container& c) {
    d.fields(item, ip, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
      if (key == "name") return d.str(v, p, c.name);
      if (key == "image") return d.str(v, p, c.image);
      if (key == "ports") {
        return d.list(
            v, p, c.ports, [&](const YAML::Node& pn, const std::string& pp, ContainerPort& port) {
              d.fields(pn, pp, [&](std::string_view k, const YAML::Node& pv, const std::string& f) {
                if (k == "name") return d.str(pv, f, port.name);
                if (k == "containerPort") {
                  return d.u32(pv, f, port.container_port);
                }
                if (k == "protocol") return protocol(d, pv, f, port.protocol);
                return true;
              });
            });
      }
      return true;
    });
  });
}

void decode_pod_spec(Decoder& d, const YAML::Node& spec, Pod& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "serviceAccountName") return d.str(v, p, out.service_account_name);
    // The deprecated alias, still filled in by the API server.
    if (key == "serviceAccount") {
      if (out.service_account_name.empty()) d.str(v, p, out.service_account_name);
      return true;
    }
    if (key == "nodeName") return d.str(v, p, out.node_name);
    if (key == "hostNetwork") return d.boolean(v, p, out.host_network);
    if (key == "containers") return container_list(d, v, p, out.containers);
    if (key == "initContainers") return container_list(d, v, p, out.init_containers);
    return true;
  });
}

void decode_pod_status(Decoder& d, const YAML::Node& status, Pod& out) {
  using Phase = Pod::Phase;
  d.fields(status, "status", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "phase") {
      return d.enumeration<Phase>(v, p,
                                  {{"Pending", Phase::kPending},
                                   {"Running", Phase::kRunning},
                                   {"Succeeded", Phase::kSucceeded},
                                   {"Failed", Phase::kFailed},
                                   {"Unknown", Phase::kUnknown}},
                                  out.phase);
    }
    if (key == "podIP") return d.str(v, p, out.pod_ip);
    if (key == "hostIP") return d.str(v, p, out.host_ip);
    if (key == "podIPs") {
      return d.list(
          v, p, out.pod_ips, [&](const YAML::Node& item, const std::string& ip, std::string& ipv) {
            d.fields(item, ip, [&](std::string_view k, const YAML::Node& iv, const std::string& f) {
              if (k == "ip") return d.str(iv, f, ipv);
              return true;
            });
          });
    }
    if (key == "conditions") {
      return d.list(v, p, out.conditions,
                    [&](const YAML::Node& item, const std::string& ip, PodCondition& c) {
                      d.fields(item, ip,
                               [&](std::string_view k, const YAML::Node& cv, const std::string& f) {
                                 if (k == "type") return d.str(cv, f, c.type);
                                 if (k == "status") return d.str(cv, f, c.status);
                                 return true;
                               });
                    });
    }
    return true;
  });
}

// Reads a map of base64 values; a bad value is reported by its key only.
void base64_map(Decoder& d, const YAML::Node& node, const std::string& path,
                std::map<std::string, std::string>& out) {
  if (!d.expect_map(node, path)) return;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    const std::string field = join(path, key);
    d.record(kv.first, field);
    if (kv.second.IsNull()) {
      out[key] = "";
      continue;
    }
    if (!kv.second.IsScalar()) {
      d.error(kv.second, field, "expected a base64 string");
      continue;
    }
    auto decoded = decode_base64(kv.second.Scalar());
    if (!decoded) {
      d.error(kv.second, field, "value of key \"" + key + "\" is not valid base64");
      continue;
    }
    out[key] = std::move(*decoded);
  }
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // YAML block scalars may fold long values over lines.
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(clean.size() / 4 * 3);
  for (size_t i = 0; i < clean.size(); i += 4) {
    uint32_t bits = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = clean[i + j];
      if (c == '=') {
        // Padding only at the very end, at most two.
        if (i + 4 != clean.size() || j < 2) return std::nullopt;
        ++pad;
        bits <<= 6;
        continue;
      }
      if (pad > 0) return std::nullopt;
      size_t v = kAlphabet.find(c);
      if (v == std::string_view::npos) return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

void decode_k8s_service(Decoder& d, const YAML::Node& doc, K8sService& out) {
  using Type = K8sService::Type;
  YAML::Node spec = doc["spec"];
  if (!spec.IsDefined() || spec.IsNull()) return;
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "ports") {
      return d.list(v, p, out.ports,
                    [&](const YAML::Node& item, const std::string& ip, K8sServicePort& port) {
                      decode_service_port(d, item, ip, port);
                    });
    }
    if (key == "selector") return d.string_map(v, p, out.selector);
    if (key == "clusterIP") return d.str(v, p, out.cluster_ip);
    if (key == "clusterIPs") return d.strings(v, p, out.cluster_ips);
    if (key == "type") {
      return d.enumeration<Type>(v, p,
                                 {{"ClusterIP", Type::kClusterIP},
                                  {"NodePort", Type::kNodePort},
                                  {"LoadBalancer", Type::kLoadBalancer},
                                  {"ExternalName", Type::kExternalName}},
                                 out.type);
    }
    if (key == "externalName") return d.str(v, p, out.external_name);
    if (key == "publishNotReadyAddresses") return d.boolean(v, p, out.publish_not_ready_addresses);
    return true;
  });
}

void decode_endpoint_slice(Decoder& d, const YAML::Node& doc, EndpointSlice& out) {
  using AddressType = EndpointSlice::AddressType;
  d.fields(doc, "", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (is_envelope(key)) return true;
    if (key == "addressType") {
      return d.enumeration<AddressType>(v, p,
                                        {{"IPv4", AddressType::kIPv4},
                                         {"IPv6", AddressType::kIPv6},
                                         {"FQDN", AddressType::kFqdn}},
                                        out.address_type);
    }
    if (key == "ports") {
      return d.list(
          v, p, out.ports, [&](const YAML::Node& item, const std::string& ip, EndpointPort& port) {
            d.fields(item, ip, [&](std::string_view k, const YAML::Node& pv, const std::string& f) {
              if (k == "name") return d.str(pv, f, port.name);
              if (k == "port") return d.u32(pv, f, port.port.emplace());
              if (k == "protocol") return protocol(d, pv, f, port.protocol);
              if (k == "appProtocol") return d.str(pv, f, port.app_protocol);
              return true;
            });
          });
    }
    if (key == "endpoints") {
      return d.list(
          v, p, out.endpoints,
          [&](const YAML::Node& item, const std::string& ip, SliceEndpoint& ep) {
            d.fields(item, ip, [&](std::string_view k, const YAML::Node& ev, const std::string& f) {
              if (k == "addresses") return d.strings(ev, f, ep.addresses);
              if (k == "hostname") return d.str(ev, f, ep.hostname);
              if (k == "nodeName") return d.str(ev, f, ep.node_name);
              if (k == "zone") return d.str(ev, f, ep.zone);
              if (k == "conditions") {
                d.fields(ev, f,
                         [&](std::string_view c, const YAML::Node& cv, const std::string& cp) {
                           if (c == "ready") return d.boolean(cv, cp, ep.conditions.ready);
                           if (c == "serving") return d.boolean(cv, cp, ep.conditions.serving);
                           if (c == "terminating") {
                             return d.boolean(cv, cp, ep.conditions.terminating);
                           }
                           return true;
                         });
                return true;
              }
              if (k == "targetRef") {
                auto& ref = ep.target_ref.emplace();
                d.fields(ev, f,
                         [&](std::string_view r, const YAML::Node& rv, const std::string& rp) {
                           if (r == "kind") return d.str(rv, rp, ref.kind);
                           if (r == "namespace") return d.str(rv, rp, ref.ns);
                           if (r == "name") return d.str(rv, rp, ref.name);
                           if (r == "uid") return d.str(rv, rp, ref.uid);
                           return true;
                         });
                return true;
              }
              return true;
            });
          });
    }
    return true;
  });
}

void decode_pod(Decoder& d, const YAML::Node& doc, Pod& out) {
  if (YAML::Node spec = doc["spec"]; spec.IsDefined() && !spec.IsNull()) {
    decode_pod_spec(d, spec, out);
  }
  if (YAML::Node status = doc["status"]; status.IsDefined() && !status.IsNull()) {
    decode_pod_status(d, status, out);
  }
}

void decode_service_account(Decoder& d, const YAML::Node& doc, ServiceAccount& out) {
  // Both lists hold {name: ...} references.
  auto names = [&](const YAML::Node& v, const std::string& p, std::vector<std::string>& list) {
    return d.list(v, p, list, [&](const YAML::Node& item, const std::string& ip, std::string& n) {
      d.fields(item, ip, [&](std::string_view k, const YAML::Node& nv, const std::string& f) {
        if (k == "name") return d.str(nv, f, n);
        return true;
      });
    });
  };
  d.fields(doc, "", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (is_envelope(key)) return true;
    if (key == "secrets") return names(v, p, out.secrets);
    if (key == "imagePullSecrets") return names(v, p, out.image_pull_secrets);
    if (key == "automountServiceAccountToken") {
      return d.boolean(v, p, out.automount_service_account_token);
    }
    return true;
  });
}

void decode_namespace(Decoder& d, const YAML::Node& doc, Namespace& out) {
  using Phase = Namespace::Phase;
  YAML::Node status = doc["status"];
  if (!status.IsDefined() || status.IsNull()) return;
  d.fields(status, "status", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "phase") {
      return d.enumeration<Phase>(
          v, p, {{"Active", Phase::kActive}, {"Terminating", Phase::kTerminating}}, out.phase);
    }
    return true;
  });
}

void decode_secret(Decoder& d, const YAML::Node& doc, Secret& out) {
  std::map<std::string, std::string> string_data;
  d.fields(doc, "", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (is_envelope(key)) return true;
    if (key == "type") return d.str(v, p, out.type);
    if (key == "data") {
      base64_map(d, v, p, out.data);
      return true;
    }
    if (key == "stringData") return d.string_map(v, p, string_data);
    if (key == "immutable") return d.boolean(v, p, out.immutable);
    return true;
  });
  for (auto& [k, v] : string_data) out.data[k] = std::move(v);
}

void decode_config_map(Decoder& d, const YAML::Node& doc, ConfigMap& out) {
  d.fields(doc, "", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (is_envelope(key)) return true;
    if (key == "data") return d.string_map(v, p, out.data);
    if (key == "binaryData") {
      base64_map(d, v, p, out.binary_data);
      return true;
    }
    if (key == "immutable") return d.boolean(v, p, out.immutable);
    return true;
  });
}

}  // namespace jib::mesh::detail
