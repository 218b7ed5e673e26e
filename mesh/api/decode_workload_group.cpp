#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_probe(Decoder& d, const YAML::Node& node, const std::string& path,
                  ReadinessProbe& out) {
  using P = ReadinessProbe;
  int checks = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "initialDelaySeconds") return d.i32(v, p, out.initial_delay_seconds);
    if (key == "timeoutSeconds") return d.i32(v, p, out.timeout_seconds);
    if (key == "periodSeconds") return d.i32(v, p, out.period_seconds);
    if (key == "successThreshold") return d.i32(v, p, out.success_threshold);
    if (key == "failureThreshold") return d.i32(v, p, out.failure_threshold);
    if (key == "httpGet") {
      ++checks;
      auto& get = out.health_check.emplace<P::HttpGet>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& hv, const std::string& hp) {
        if (k == "path") return d.str(hv, hp, get.path);
        if (k == "port") return d.u32(hv, hp, get.port);
        if (k == "host") return d.str(hv, hp, get.host);
        if (k == "scheme") return d.str(hv, hp, get.scheme);
        if (k == "httpHeaders")
          return d.list(hv, hp, get.http_headers, [&](auto& n, auto& ip, auto& h) {
            d.fields(n, ip, [&](std::string_view hk, const YAML::Node& x, const std::string& xp) {
              if (hk == "name") return d.str(x, xp, h.name);
              if (hk == "value") return d.str(x, xp, h.value);
              return false;
            });
          });
        return false;
      });
      return true;
    }
    if (key == "tcpSocket") {
      ++checks;
      auto& tcp = out.health_check.emplace<P::TcpSocket>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& tv, const std::string& tp) {
        if (k == "host") return d.str(tv, tp, tcp.host);
        if (k == "port") return d.u32(tv, tp, tcp.port);
        return false;
      });
      return true;
    }
    if (key == "exec") {
      ++checks;
      auto& exec = out.health_check.emplace<P::Exec>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& ev, const std::string& ep) {
        if (k == "command") return d.strings(ev, ep, exec.command);
        return false;
      });
      return true;
    }
    if (key == "grpc") {
      ++checks;
      auto& grpc = out.health_check.emplace<P::Grpc>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& gv, const std::string& gp) {
        if (k == "port") return d.u32(gv, gp, grpc.port);
        if (k == "service") return d.str(gv, gp, grpc.service);
        return false;
      });
      return true;
    }
    return false;
  });
  if (checks > 1) d.error(node, path, "only one of httpGet, tcpSocket, exec or grpc can be set");
}

}  // namespace

void decode_workload_group(Decoder& d, const YAML::Node& spec, WorkloadGroup& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "metadata") {
      d.fields(v, p, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
        if (k == "labels") return d.string_map(mv, mp, out.metadata.labels);
        if (k == "annotations") return d.string_map(mv, mp, out.metadata.annotations);
        return false;
      });
      return true;
    }
    if (key == "template") return decode_workload_entry_spec(d, v, p, out.template_), true;
    if (key == "probe") return decode_probe(d, v, p, out.probe.emplace()), true;
    return false;
  });
}

}  // namespace jib::mesh::detail
