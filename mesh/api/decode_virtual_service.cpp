// The VirtualService spec and its TLS and TCP routes; HTTP routes are in decode_http_route.cpp.
#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_l4_match(Decoder& d, const YAML::Node& node, const std::string& path,
                     L4MatchAttributes& m) {
  d.fields(node, path, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
    if (k == "destinationSubnets") return d.strings(mv, mp, m.destination_subnets);
    if (k == "port") return d.u32(mv, mp, m.port);
    if (k == "sourceLabels") return d.string_map(mv, mp, m.source_labels);
    if (k == "gateways") return d.strings(mv, mp, m.gateways);
    if (k == "sourceNamespace") return d.str(mv, mp, m.source_namespace);
    return false;
  });
}

void decode_route_destination(Decoder& d, const YAML::Node& node, const std::string& path,
                              RouteDestination& r) {
  d.fields(node, path, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
    if (k == "destination") return decode_destination(d, rv, rp, r.destination), true;
    if (k == "weight") return d.i32(rv, rp, r.weight);
    return false;
  });
}

void decode_tls_route(Decoder& d, const YAML::Node& node, const std::string& path, TLSRoute& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "match")
      return d.list(v, p, out.match, [&](auto& n, auto& ip, TLSMatchAttributes& m) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
          if (k == "sniHosts") return d.strings(mv, mp, m.sni_hosts);
          if (k == "destinationSubnets") return d.strings(mv, mp, m.destination_subnets);
          if (k == "port") return d.u32(mv, mp, m.port);
          if (k == "sourceLabels") return d.string_map(mv, mp, m.source_labels);
          if (k == "gateways") return d.strings(mv, mp, m.gateways);
          if (k == "sourceNamespace") return d.str(mv, mp, m.source_namespace);
          return false;
        });
      });
    if (key == "route")
      return d.list(v, p, out.route,
                    [&](auto& n, auto& ip, auto& r) { decode_route_destination(d, n, ip, r); });
    return false;
  });
}

void decode_tcp_route(Decoder& d, const YAML::Node& node, const std::string& path, TCPRoute& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "match")
      return d.list(v, p, out.match,
                    [&](auto& n, auto& ip, auto& m) { decode_l4_match(d, n, ip, m); });
    if (key == "route")
      return d.list(v, p, out.route,
                    [&](auto& n, auto& ip, auto& r) { decode_route_destination(d, n, ip, r); });
    return false;
  });
}

}  // namespace

void decode_destination(Decoder& d, const YAML::Node& node, const std::string& path,
                        Destination& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "host") return d.str(v, p, out.host);
    if (key == "subset") return d.str(v, p, out.subset);
    if (key == "port") {
      auto& port = out.port.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
        if (k == "number") return d.u32(pv, pp, port.number);
        return false;
      });
      return true;
    }
    return false;
  });
}

void decode_virtual_service(Decoder& d, const YAML::Node& spec, VirtualService& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "hosts") return d.strings(v, p, out.hosts);
    if (key == "gateways") return d.strings(v, p, out.gateways);
    if (key == "http")
      return d.list(v, p, out.http,
                    [&](auto& n, auto& ip, auto& r) { decode_http_route(d, n, ip, r); });
    if (key == "tls")
      return d.list(v, p, out.tls,
                    [&](auto& n, auto& ip, auto& r) { decode_tls_route(d, n, ip, r); });
    if (key == "tcp")
      return d.list(v, p, out.tcp,
                    [&](auto& n, auto& ip, auto& r) { decode_tcp_route(d, n, ip, r); });
    if (key == "exportTo") return d.strings(v, p, out.export_to);
    return false;
  });
}

}  // namespace jib::mesh::detail
