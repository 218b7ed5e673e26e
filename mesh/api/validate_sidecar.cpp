#include <charconv>
#include <set>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void validate_sidecar_port(const ServicePort& port, const std::string& path, Reporter& report) {
  validate_port_number(port.number, path + ".number", report);
  if (!port.protocol.empty() && !is_known_protocol(port.protocol)) {
    report(path + ".protocol", "unknown protocol \"" + port.protocol + "\"");
  }
  if (!port.name.empty()) {
    if (auto reason = check_dns1123_label(port.name); !reason.empty()) {
      report(path + ".name", "invalid port name \"" + port.name + "\": " + reason);
    }
  }
}

// Where an ingress listener forwards: a loopback or any-address with a port, or a socket.
bool valid_default_endpoint(const std::string& endpoint) {
  if (endpoint.starts_with("unix://")) return endpoint.size() > 7;
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string host = endpoint.substr(0, colon);
  const std::string port = endpoint.substr(colon + 1);
  if (host != "127.0.0.1" && host != "0.0.0.0" && host != "[::1]" && host != "[::]") return false;
  int number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  return ec == std::errc() && end == port.data() + port.size() && number >= 1 && number <= 65535;
}

// "namespace/host" where namespace is "*", ".", "~" or a name.
void validate_egress_host(const std::string& host, const std::string& field, Reporter& report) {
  size_t slash = host.find('/');
  if (slash == std::string::npos) {
    report(field,
           "must be namespace/host (e.g. \"./*\", \"istio-system/*\"), got \"" + host + "\"");
    return;
  }
  const std::string ns = host.substr(0, slash);
  const std::string name = host.substr(slash + 1);
  if (ns != "*" && ns != "." && ns != "~") {
    if (auto reason = check_dns1123_label(ns); !reason.empty()) {
      report(field, "invalid namespace \"" + ns + "\": " + reason);
    }
  }
  if (name != "*") {
    if (auto reason = check_wildcard_host(name); !reason.empty()) report(field, reason);
  }
}

void validate_ingress(const Sidecar& sc, Reporter& report) {
  std::set<uint32_t> ports;
  for (size_t i = 0; i < sc.ingress.size(); ++i) {
    const auto& l = sc.ingress[i];
    const std::string path = at("spec.ingress", i);
    if (!l.port) {
      report(path + ".port", "required", path);
    } else {
      validate_sidecar_port(*l.port, path + ".port", report);
      if (!ports.insert(l.port->number).second) {
        report(path + ".port.number", "duplicate ingress port " + std::to_string(l.port->number));
      }
    }
    if (!l.bind.empty() && !is_ip_address(l.bind)) report(path + ".bind", "must be an IP address");
    if (!l.default_endpoint.empty() && !valid_default_endpoint(l.default_endpoint)) {
      report(path + ".defaultEndpoint",
             "must be 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix://path, got \"" +
                 l.default_endpoint + "\"");
    }
    if (l.tls) validate_server_tls(*l.tls, path + ".tls", false, report);
    if (l.connection_pool)
      validate_connection_pool(*l.connection_pool, path + ".connectionPool", report);
  }
}

void validate_egress(const Sidecar& sc, Reporter& report) {
  std::set<uint32_t> ports;
  for (size_t i = 0; i < sc.egress.size(); ++i) {
    const auto& l = sc.egress[i];
    const std::string path = at("spec.egress", i);
    if (l.hosts.empty()) report(path + ".hosts", "at least one host is required", path);
    for (size_t j = 0; j < l.hosts.size(); ++j) {
      validate_egress_host(l.hosts[j], at(path + ".hosts", j), report);
    }
    if (l.port) {
      validate_sidecar_port(*l.port, path + ".port", report);
      if (!ports.insert(l.port->number).second) {
        report(path + ".port.number", "duplicate egress port " + std::to_string(l.port->number));
      }
    } else if (i + 1 != sc.egress.size()) {
      // A listener without a port catches everything; Istio requires exactly one, and last.
      report(path, "an egress listener without a port catches all traffic and must be the last");
    }
    if (!l.bind.empty() && !is_ip_address(l.bind) && !l.bind.starts_with("unix://")) {
      report(path + ".bind", "must be an IP address or a unix:// socket");
    }
    if (l.bind.starts_with("unix://") && l.port && l.port->number != 0) {
      report(path + ".port", "a unix:// bind takes no port number");
    }
  }
}

}  // namespace

void validate_sidecar(const Sidecar& sc, Reporter& report) {
  if (sc.workload_selector && sc.workload_selector->match_labels.empty()) {
    report("spec.workloadSelector.labels", "at least one label is required",
           "spec.workloadSelector");
  }
  validate_ingress(sc, report);
  validate_egress(sc, report);
  if (sc.inbound_connection_pool) {
    validate_connection_pool(*sc.inbound_connection_pool, "spec.inboundConnectionPool", report);
  }
  if (sc.outbound_traffic_policy && sc.outbound_traffic_policy->egress_proxy) {
    const auto& proxy = *sc.outbound_traffic_policy->egress_proxy;
    const std::string path = "spec.outboundTrafficPolicy.egressProxy";
    if (sc.outbound_traffic_policy->mode != OutboundTrafficPolicy::Mode::kAllowAny) {
      report(path, "egressProxy requires mode ALLOW_ANY");
    }
    if (proxy.host.empty()) {
      report(path + ".host", "required", path);
    } else if (auto reason = check_wildcard_host(proxy.host);
               !reason.empty() || proxy.host.find('*') != std::string::npos) {
      report(path + ".host", reason.empty() ? "wildcard host not allowed" : reason);
    }
    if (!proxy.port) {
      report(path + ".port", "required", path);
    } else {
      validate_port_number(proxy.port->number, path + ".port.number", report);
    }
  }
}

}  // namespace jib::mesh::detail
