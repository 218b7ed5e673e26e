#include <array>
#include <set>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void validate_ports(const ServiceEntry& se, Reporter& report) {
  std::set<std::string> names;
  std::set<uint32_t> numbers;
  for (size_t i = 0; i < se.ports.size(); ++i) {
    const auto& port = se.ports[i];
    const std::string path = at("spec.ports", i);
    validate_port_number(port.number, path + ".number", report);
    if (port.target_port != 0) validate_port_number(port.target_port, path + ".targetPort", report);
    if (port.name.empty()) {
      report(path + ".name", "required");
    } else if (auto reason = check_dns1123_label(port.name); !reason.empty()) {
      report(path + ".name", "invalid port name \"" + port.name + "\": " + reason);
    } else if (!names.insert(port.name).second) {
      report(path + ".name", "duplicate port name \"" + port.name + "\"");
    }
    if (port.number != 0 && !numbers.insert(port.number).second) {
      report(path + ".number", "duplicate port number " + std::to_string(port.number));
    }
    if (port.protocol.empty()) {
      report(path + ".protocol", "required");
    } else if (!is_known_protocol(port.protocol)) {
      report(path + ".protocol", "unknown protocol \"" + port.protocol + "\"");
    }
  }
}

void validate_endpoints(const ServiceEntry& se, Reporter& report) {
  using Resolution = ServiceEntry::Resolution;
  std::set<std::string> port_names;
  for (const auto& p : se.ports) port_names.insert(p.name);
  for (size_t i = 0; i < se.endpoints.size(); ++i) {
    const auto& ep = se.endpoints[i];
    const std::string path = at("spec.endpoints", i);
    // Unix domain sockets are addresses too, as in Istio.
    const bool uds = ep.address.starts_with("unix://");
    if (ep.address.empty()) {
      report(path + ".address", "required");
    } else if (se.resolution == Resolution::kStatic && !uds && !is_ip_address(ep.address)) {
      report(path + ".address",
             "\"" + ep.address + "\" is not an IP address, as resolution STATIC requires");
    } else if (se.resolution != Resolution::kStatic && !uds && !is_ip_address(ep.address)) {
      auto reason = check_wildcard_host(ep.address);
      if (reason.empty() && ep.address.find('*') != std::string::npos) reason = "wildcard address";
      if (!reason.empty()) report(path + ".address", reason);
    }
    for (const auto& [name, number] : ep.ports) {
      const std::string port_path = path + ".ports." + name;
      if (!port_names.contains(name)) {
        report(port_path, "port name \"" + name + "\" is not declared in spec.ports");
      }
      validate_port_number(number, port_path, report);
    }
  }
}

void validate_resolution(const ServiceEntry& se, Reporter& report) {
  using Resolution = ServiceEntry::Resolution;
  const bool has_endpoints = !se.endpoints.empty();
  if (has_endpoints && se.workload_selector) {
    report("spec.workloadSelector", "only one of endpoints or workloadSelector can be set");
  }
  switch (se.resolution) {
    case Resolution::kStatic:
      if (!has_endpoints && !se.workload_selector) {
        report("spec.endpoints", "endpoints are required when resolution is STATIC",
               "spec.resolution");
      }
      break;
    case Resolution::kNone:
      if (has_endpoints)
        report("spec.endpoints", "endpoints are not allowed when resolution is NONE");
      break;
    case Resolution::kDnsRoundRobin:
      if (se.endpoints.size() > 1) {
        report("spec.endpoints",
               "at most one endpoint is allowed when resolution is DNS_ROUND_ROBIN");
      }
      [[fallthrough]];
    case Resolution::kDns:
      // Without endpoints the hosts themselves are resolved, which a wildcard cannot be.
      if (!has_endpoints) {
        for (size_t i = 0; i < se.hosts.size(); ++i) {
          if (se.hosts[i].find('*') != std::string::npos) {
            report(at("spec.hosts", i),
                   "wildcard host is not allowed when resolution is DNS without endpoints");
          }
        }
      }
      break;
  }
}

}  // namespace

// Istio's protocol names (upper-cased by the parser).
bool is_known_protocol(const std::string& protocol) {
  static constexpr std::array<std::string_view, 14> kProtocols = {
      "HTTP",  "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "MONGO",
      "MYSQL", "REDIS", "TCP",  "TLS",      "UDP",   "THRIFT",     "UNSUPPORTED"};
  for (auto p : kProtocols) {
    if (p == protocol) return true;
  }
  return false;
}

void validate_service_entry(const ServiceEntry& se, Reporter& report) {
  if (se.hosts.empty()) report("spec.hosts", "at least one host is required");
  for (size_t i = 0; i < se.hosts.size(); ++i) {
    if (se.hosts[i] == "*") {
      report(at("spec.hosts", i), "host \"*\" is not allowed in a ServiceEntry");
    } else if (auto reason = check_wildcard_host(se.hosts[i]); !reason.empty()) {
      report(at("spec.hosts", i), reason);
    }
  }
  for (size_t i = 0; i < se.addresses.size(); ++i) {
    if (!is_ip_or_cidr(se.addresses[i])) {
      report(at("spec.addresses", i), "\"" + se.addresses[i] + "\" is not an IP address or CIDR");
    }
  }
  validate_ports(se, report);
  validate_endpoints(se, report);
  validate_resolution(se, report);
  validate_export_to(se.export_to, report);
}

}  // namespace jib::mesh::detail
