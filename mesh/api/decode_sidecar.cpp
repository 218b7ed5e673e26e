#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_capture_mode(Decoder& d, const YAML::Node& v, const std::string& p, CaptureMode& out) {
  d.enumeration(v, p,
                {{"DEFAULT", CaptureMode::kDefault},
                 {"IPTABLES", CaptureMode::kIptables},
                 {"NONE", CaptureMode::kNone}},
                out);
}

void decode_ingress(Decoder& d, const YAML::Node& node, const std::string& path,
                    IstioIngressListener& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "port") return decode_service_port(d, v, p, out.port.emplace()), true;
    if (key == "bind") return d.str(v, p, out.bind);
    if (key == "captureMode") return decode_capture_mode(d, v, p, out.capture_mode), true;
    if (key == "defaultEndpoint") return d.str(v, p, out.default_endpoint);
    if (key == "tls") return decode_server_tls(d, v, p, out.tls.emplace()), true;
    if (key == "connectionPool") {
      return decode_connection_pool(d, v, p, out.connection_pool.emplace()), true;
    }
    return false;
  });
}

void decode_egress(Decoder& d, const YAML::Node& node, const std::string& path,
                   IstioEgressListener& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "port") return decode_service_port(d, v, p, out.port.emplace()), true;
    if (key == "bind") return d.str(v, p, out.bind);
    if (key == "captureMode") return decode_capture_mode(d, v, p, out.capture_mode), true;
    if (key == "hosts") return d.strings(v, p, out.hosts);
    return false;
  });
}

}  // namespace

void decode_sidecar(Decoder& d, const YAML::Node& spec, Sidecar& out) {
  using Mode = OutboundTrafficPolicy::Mode;
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "workloadSelector") {
      return decode_workload_selector(d, v, p, "labels", out.workload_selector.emplace()), true;
    }
    if (key == "ingress")
      return d.list(v, p, out.ingress,
                    [&](auto& n, auto& ip, auto& l) { decode_ingress(d, n, ip, l); });
    if (key == "egress")
      return d.list(v, p, out.egress,
                    [&](auto& n, auto& ip, auto& l) { decode_egress(d, n, ip, l); });
    if (key == "inboundConnectionPool") {
      return decode_connection_pool(d, v, p, out.inbound_connection_pool.emplace()), true;
    }
    if (key == "outboundTrafficPolicy") {
      auto& policy = out.outbound_traffic_policy.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& ov, const std::string& op) {
        if (k == "mode") {
          return d.enumeration(
              ov, op, {{"REGISTRY_ONLY", Mode::kRegistryOnly}, {"ALLOW_ANY", Mode::kAllowAny}},
              policy.mode);
        }
        if (k == "egressProxy")
          return decode_destination(d, ov, op, policy.egress_proxy.emplace()), true;
        return false;
      });
      return true;
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
