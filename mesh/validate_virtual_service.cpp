#include <algorithm>
#include <array>
#include <charconv>

#include "mesh/validate.h"
#include "mesh/validate_internal.h"

namespace jib::mesh::detail {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool bound_to_mesh(const std::vector<std::string>& gateways) {
  return gateways.empty() || std::find(gateways.begin(), gateways.end(), "mesh") != gateways.end();
}

void validate_string_match(const StringMatch& match, const std::string& path, Reporter& report) {
  if (const auto* re = std::get_if<RegexMatch>(&match)) {
    if (re->value.empty()) {
      report(path + ".regex", "regex must not be empty");
    } else if (auto reason = check_regex(re->value); !reason.empty()) {
      report(path + ".regex", reason);
    }
  }
}

void validate_match_map(const std::map<std::string, StringMatch>& matches, const std::string& path,
                        bool header_names, Reporter& report) {
  for (const auto& [name, match] : matches) {
    const std::string field = path + "." + name;
    if (header_names) {
      if (auto reason = check_header_name(name); !reason.empty()) report(field, reason);
    } else if (name.empty()) {
      report(field, "name must not be empty");
    }
    validate_string_match(match, field, report);
  }
}

void validate_match(const HTTPMatchRequest& m, const std::string& path, Reporter& report) {
  if (m.uri) validate_string_match(*m.uri, path + ".uri", report);
  if (m.scheme) validate_string_match(*m.scheme, path + ".scheme", report);
  if (m.method) validate_string_match(*m.method, path + ".method", report);
  if (m.authority) validate_string_match(*m.authority, path + ".authority", report);
  validate_match_map(m.headers, path + ".headers", true, report);
  validate_match_map(m.without_headers, path + ".withoutHeaders", true, report);
  validate_match_map(m.query_params, path + ".queryParams", false, report);
  if (m.port != 0) validate_port_number(m.port, path + ".port", report);
}

void validate_header_ops(const HeaderOperations& ops, const std::string& path, Reporter& report) {
  for (const auto& [name, value] : ops.set) {
    if (auto reason = check_header_name(name); !reason.empty())
      report(path + ".set." + name, reason);
  }
  for (const auto& [name, value] : ops.add) {
    if (auto reason = check_header_name(name); !reason.empty())
      report(path + ".add." + name, reason);
  }
  for (size_t i = 0; i < ops.remove.size(); ++i) {
    if (auto reason = check_header_name(ops.remove[i]); !reason.empty()) {
      report(at(path + ".remove", i), reason);
    }
  }
}

void validate_headers(const Headers& headers, const std::string& path, Reporter& report) {
  validate_header_ops(headers.request, path + ".request", report);
  validate_header_ops(headers.response, path + ".response", report);
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

// Shared by HTTP and TCP routes: each weight in 0..100, and with more than one destination
// the weights must add up to exactly 100 (Istio's rule).
template <typename RouteDestinations>
void validate_weights(const RouteDestinations& route, const std::string& path, Reporter& report) {
  int64_t total = 0;
  for (size_t i = 0; i < route.size(); ++i) {
    int32_t w = route[i].weight;
    if (w < 0 || w > 100) {
      report(at(path, i) + ".weight", "weight " + std::to_string(w) + " must be between 0 and 100");
    }
    total += w;
  }
  if (route.size() > 1 && total != 100) {
    report(path, "weights sum to " + std::to_string(total) + ", must be 100");
  }
}

bool known_retry_on(std::string_view policy) {
  static constexpr std::array<std::string_view, 16> kPolicies = {"5xx",
                                                                 "gateway-error",
                                                                 "reset",
                                                                 "connect-failure",
                                                                 "envoy-ratelimited",
                                                                 "retriable-4xx",
                                                                 "refused-stream",
                                                                 "retriable-status-codes",
                                                                 "retriable-headers",
                                                                 "cancelled",
                                                                 "deadline-exceeded",
                                                                 "internal",
                                                                 "resource-exhausted",
                                                                 "unavailable",
                                                                 "http3-post-connect-failure",
                                                                 "reset-before-request"};
  if (std::find(kPolicies.begin(), kPolicies.end(), policy) != kPolicies.end()) return true;
  // Istio also takes bare HTTP status codes.
  int code = 0;
  auto [end, ec] = std::from_chars(policy.data(), policy.data() + policy.size(), code);
  return ec == std::errc() && end == policy.data() + policy.size() && code >= 100 && code <= 599;
}

void validate_retries(const HTTPRetry& r, const std::string& path, Reporter& report) {
  if (r.attempts < 0) report(path + ".attempts", "attempts must be >= 0");
  if (r.per_try_timeout) validate_duration(*r.per_try_timeout, path + ".perTryTimeout", report);
  size_t start = 0;
  while (!r.retry_on.empty() && start <= r.retry_on.size()) {
    size_t comma = r.retry_on.find(',', start);
    std::string policy =
        r.retry_on.substr(start, comma == std::string::npos ? comma : comma - start);
    policy.erase(0, policy.find_first_not_of(' '));
    policy.erase(policy.find_last_not_of(' ') + 1);
    if (!known_retry_on(policy)) {
      report(path + ".retryOn", "unknown retry policy \"" + policy + "\"");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

void validate_http_route(const HTTPRoute& r, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < r.match.size(); ++i)
    validate_match(r.match[i], at(path + ".match", i), report);
  const bool has_route = !r.route.empty();
  if (!has_route && !r.redirect && !r.direct_response) {
    report(path, "one of route, redirect or directResponse is required");
  }
  if (has_route && r.redirect) report(path, "route and redirect cannot both be set");
  if (has_route && r.direct_response) report(path, "route and directResponse cannot both be set");
  if (r.redirect && r.direct_response) {
    report(path, "redirect and directResponse cannot both be set");
  }
  if (r.redirect && r.rewrite) report(path + ".rewrite", "rewrite cannot be used with redirect");
  for (size_t i = 0; i < r.route.size(); ++i) {
    const std::string rp = at(path + ".route", i);
    validate_destination(r.route[i].destination, rp + ".destination", report);
    if (r.route[i].headers) validate_headers(*r.route[i].headers, rp + ".headers", report);
  }
  validate_weights(r.route, path + ".route", report);
  if (r.redirect) {
    const auto code = r.redirect->redirect_code;
    // The codes Envoy's RedirectResponseCode can express.
    if (code != 0 && code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      report(path + ".redirect.redirectCode",
             "redirect code " + std::to_string(code) + " is not one of 301, 302, 303, 307, 308");
    }
    if (r.redirect->port > 65535) {
      validate_port_number(r.redirect->port, path + ".redirect.port", report);
    }
  }
  if (r.direct_response) {
    const auto status = r.direct_response->status;
    if (status < 200 || status > 599) {
      report(path + ".directResponse.status",
             "status " + std::to_string(status) + " must be between 200 and 599");
    }
  }
  if (r.rewrite && r.rewrite->uri_regex_match) {
    const std::string rp = path + ".rewrite.uriRegexRewrite";
    if (!r.rewrite->uri.empty()) report(rp, "uri and uriRegexRewrite cannot both be set");
    if (r.rewrite->uri_regex_match->empty()) {
      report(rp + ".match", "required");
    } else if (auto reason = check_regex(*r.rewrite->uri_regex_match); !reason.empty()) {
      report(rp + ".match", reason);
    }
  }
  if (r.timeout) validate_duration(*r.timeout, path + ".timeout", report);
  if (r.retries) validate_retries(*r.retries, path + ".retries", report);
  if (r.headers) validate_headers(*r.headers, path + ".headers", report);
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

}  // namespace

void validate_virtual_service(const VirtualService& vs, Reporter& report) {
  if (vs.hosts.empty()) report("spec.hosts", "at least one host is required");
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
  if (vs.http.empty() && vs.tcp.empty())
    report("spec", "at least one http or tcp route is required");
  for (size_t i = 0; i < vs.http.size(); ++i)
    validate_http_route(vs.http[i], at("spec.http", i), report);
  for (size_t i = 0; i < vs.tcp.size(); ++i)
    validate_tcp_route(vs.tcp[i], at("spec.tcp", i), report);
  validate_export_to(vs.export_to, report);
}

}  // namespace jib::mesh::detail
