// Istio's rules for a VirtualService: hosts, gateways, TLS and TCP routes, destinations.
#include <algorithm>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_virtual_service_internal.h"

namespace jib::mesh::detail {
namespace {

bool bound_to_mesh(const std::vector<std::string>& gateways) {
  return gateways.empty() || std::find(gateways.begin(), gateways.end(), "mesh") != gateways.end();
}

void validate_tcp_route(const TCPRoute& r, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < r.match.size(); ++i) {
    const auto& m = r.match[i];
    const std::string mp = at(path + ".match", i);
    if (m.port != 0) validate_port_number(m.port, mp + ".port", report);
    for (size_t j = 0; j < m.destination_subnets.size(); ++j) {
      if (!is_ip_or_cidr(m.destination_subnets[j])) {
        report(at(mp + ".destinationSubnets", j), "not an IP address or CIDR");
      }
    }
  }
  if (r.route.empty()) report(path + ".route", "at least one destination is required");
  for (size_t i = 0; i < r.route.size(); ++i) {
    validate_destination(r.route[i].destination, at(path + ".route", i) + ".destination", report);
  }
  validate_weights(r.route, path + ".route", report);
}

// Whether an SNI host falls within a VirtualService host: equal, or under its wildcard.
bool host_within(std::string_view sni, std::string_view host) {
  if (sni == host || host == "*") return true;
  if (!host.starts_with("*.")) return false;
  std::string_view suffix = host.substr(1);  // ".example.com"
  std::string_view name = sni.starts_with("*.") ? sni.substr(2) : sni;
  return name.size() > suffix.size() && name.ends_with(suffix);
}

void validate_tls_route(const TLSRoute& r, const VirtualService& vs, const std::string& path,
                        Reporter& report) {
  if (r.match.empty()) report(path + ".match", "at least one match with sniHosts is required");
  for (size_t i = 0; i < r.match.size(); ++i) {
    const auto& m = r.match[i];
    const std::string mp = at(path + ".match", i);
    if (m.sni_hosts.empty()) report(mp + ".sniHosts", "at least one SNI host is required");
    for (size_t j = 0; j < m.sni_hosts.size(); ++j) {
      const auto& sni = m.sni_hosts[j];
      const std::string sp = at(mp + ".sniHosts", j);
      // Istio accepts (with a warning) an IP address, though SNI cannot carry one.
      if (is_ip_address(sni)) continue;
      if (auto reason = check_wildcard_host(sni); !reason.empty()) {
        report(sp, reason);
      } else if (std::none_of(vs.hosts.begin(), vs.hosts.end(),
                              [&](const auto& h) { return host_within(sni, h); })) {
        report(sp, "SNI host \"" + sni + "\" is not within any of the VirtualService's hosts");
      }
    }
    for (size_t j = 0; j < m.destination_subnets.size(); ++j) {
      if (!is_ip_or_cidr(m.destination_subnets[j])) {
        report(at(mp + ".destinationSubnets", j), "not an IP address or CIDR");
      }
    }
    if (m.port != 0) validate_port_number(m.port, mp + ".port", report);
  }
  if (r.route.empty()) report(path + ".route", "at least one destination is required");
  for (size_t i = 0; i < r.route.size(); ++i) {
    validate_destination(r.route[i].destination, at(path + ".route", i) + ".destination", report);
  }
  validate_weights(r.route, path + ".route", report);
}

}  // namespace

void validate_string_match(const StringMatch& match, const std::string& path, Reporter& report) {
  if (const auto* re = std::get_if<RegexMatch>(&match)) {
    if (re->value.empty()) {
      report(path + ".regex", "regex must not be empty");
    } else if (auto reason = check_regex(re->value); !reason.empty()) {
      report(path + ".regex", reason);
    }
  }
}

void validate_destination(const Destination& d, const std::string& path, Reporter& report) {
  if (d.host.empty()) {
    report(path + ".host", "required");
  } else if (d.host == "*") {
    report(path + ".host", "destination host \"*\" is not allowed");
  } else if (auto reason = check_wildcard_host(d.host); !reason.empty()) {
    report(path + ".host", reason);
  }
  if (!d.subset.empty()) {
    if (auto reason = check_dns1123_label(d.subset); !reason.empty()) {
      report(path + ".subset", "invalid subset name \"" + d.subset + "\": " + reason);
    }
  }
  if (d.port) validate_port_number(d.port->number, path + ".port.number", report);
}

void validate_virtual_service(const VirtualService& vs, Reporter& report) {
  // Without hosts a VirtualService is a delegate: it is reached only through another's
  // `delegate`, so, as Istio rules, it may not bind to gateways or carry TLS or TCP routes.
  if (vs.hosts.empty()) {
    if (!vs.gateways.empty()) {
      report("spec.gateways",
             "a delegate VirtualService (one without hosts) must not name gateways");
    }
    if (!vs.tls.empty()) {
      report("spec.tls", "a delegate VirtualService (one without hosts) must not have tls routes");
    }
    if (!vs.tcp.empty()) {
      report("spec.tcp", "a delegate VirtualService (one without hosts) must not have tcp routes");
    }
  }
  const bool mesh = bound_to_mesh(vs.gateways);
  for (size_t i = 0; i < vs.hosts.size(); ++i) {
    const auto& host = vs.hosts[i];
    const std::string path = at("spec.hosts", i);
    if (host == "*") {
      if (mesh) report(path, "host \"*\" is not allowed for a VirtualService bound to the mesh");
    } else if (is_ip_address(host)) {
      report(path, "IP address \"" + host + "\" is not allowed as a host");
    } else if (auto reason = check_wildcard_host(host); !reason.empty()) {
      report(path, reason);
    }
  }
  for (size_t i = 0; i < vs.gateways.size(); ++i) {
    const auto& gw = vs.gateways[i];
    if (gw.empty() || gw.front() == '/' || gw.back() == '/') {
      report(at("spec.gateways", i), "gateway must be \"mesh\", a name or namespace/name");
    }
  }
  if (vs.http.empty() && vs.tls.empty() && vs.tcp.empty())
    report("spec", "at least one http, tls or tcp route is required");
  for (size_t i = 0; i < vs.http.size(); ++i)
    validate_http_route(vs.http[i], at("spec.http", i), report);
  for (size_t i = 0; i < vs.tls.size(); ++i)
    validate_tls_route(vs.tls[i], vs, at("spec.tls", i), report);
  for (size_t i = 0; i < vs.tcp.size(); ++i)
    validate_tcp_route(vs.tcp[i], at("spec.tcp", i), report);
  validate_export_to(vs.export_to, report);
}

}  // namespace jib::mesh::detail
