// Istio's rules for a VirtualService HTTP route: its matches, actions (route, redirect,
// directResponse, delegate) and policies (rewrite, retries, fault, mirrors, CORS, headers).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <variant>

#include "base/grpc_status_names.h"
#include "mesh/api/field_checks.h"
#include "mesh/api/validate_virtual_service_internal.h"

namespace jib::mesh::detail {
namespace {

// Istio refuses direct response bodies of 1MB and more: they are pushed to every proxy.
constexpr size_t kMaxDirectResponseBody = 1024 * 1024;

std::string number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
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
  if (r.backoff) validate_duration(*r.backoff, path + ".backoff", report);
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

void validate_redirect(const HTTPRedirect& redirect, const std::string& path, Reporter& report) {
  const auto code = redirect.redirect_code;
  // The codes Envoy's RedirectResponseCode can express.
  if (code != 0 && code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
    report(path + ".redirectCode",
           "redirect code " + std::to_string(code) + " is not one of 301, 302, 303, 307, 308");
  }
  if (redirect.port > 65535) validate_port_number(redirect.port, path + ".port", report);
  if (redirect.port != 0 && redirect.derive_port) {
    report(path + ".derivePort", "only one of port and derivePort can be set");
  }
  if (!redirect.scheme.empty() && redirect.scheme != "http" && redirect.scheme != "https") {
    report(path + ".scheme", "scheme must be \"http\" or \"https\"");
  }
  if (redirect.uri.empty() && redirect.authority.empty() && redirect.scheme.empty() &&
      redirect.port == 0 && !redirect.derive_port) {
    report(path, "redirect must set uri, authority, scheme, port or derivePort");
  }
}

void validate_direct_response(const HTTPDirectResponse& dr, const std::string& path,
                              Reporter& report) {
  if (dr.status < 200 || dr.status > 599) {
    report(path + ".status",
           "status " + std::to_string(dr.status) + " must be between 200 and 599");
  }
  if (dr.body && dr.body->size() >= kMaxDirectResponseBody) {
    report(path + (dr.body_from_bytes ? ".body.bytes" : ".body.string"),
           "body of " + std::to_string(dr.body->size()) + " bytes must be less than 1MB");
  }
}

void validate_delegate(const Delegate& d, const std::string& path, Reporter& report) {
  if (d.name.empty()) {
    report(path + ".name", "required");
  } else if (auto reason = check_dns1123_subdomain(d.name); !reason.empty()) {
    report(path + ".name", "invalid name \"" + d.name + "\": " + reason);
  }
  if (!d.ns.empty()) {
    if (auto reason = check_dns1123_label(d.ns); !reason.empty()) {
      report(path + ".namespace", "invalid namespace \"" + d.ns + "\": " + reason);
    }
  }
}

// The names Istio's fault filter translates to gRPC status codes.
bool known_grpc_status(std::string_view name) {
  return std::find(kGrpcStatusNames.begin(), kGrpcStatusNames.end(), name) !=
         kGrpcStatusNames.end();
}

void validate_fault(const HTTPFaultInjection& f, const std::string& path, Reporter& report) {
  if (!f.delay && !f.abort) report(path, "fault must have an abort and/or a delay");
  if (f.delay) {
    const std::string dp = path + ".delay";
    if (f.delay->percentage) validate_percent(*f.delay->percentage, dp + ".percentage", report);
    if (f.delay->percent && (*f.delay->percent < 0 || *f.delay->percent > 100)) {
      report(dp + ".percent",
             "percent " + std::to_string(*f.delay->percent) + " must be between 0 and 100");
    }
    // Like Istio, a delay without a duration is accepted (and delays nothing).
    if (!f.delay->delay) {
    } else if (const auto* fixed = std::get_if<FixedDelay>(&*f.delay->delay)) {
      validate_duration(fixed->value, dp + ".fixedDelay", report);
    } else {
      report(dp + ".exponentialDelay", "exponentialDelay is not supported (use fixedDelay)");
    }
  }
  if (f.abort) {
    const std::string ap = path + ".abort";
    if (f.abort->percentage) validate_percent(*f.abort->percentage, ap + ".percentage", report);
    if (!f.abort->error) return;  // Istio only warns; the decoder has
    if (const auto* http = std::get_if<AbortHttpStatus>(&*f.abort->error)) {
      if (http->value < 200 || http->value > 599) {
        report(ap + ".httpStatus",
               "HTTP status " + std::to_string(http->value) + " must be between 200 and 599");
      }
    } else if (const auto* grpc = std::get_if<AbortGrpcStatus>(&*f.abort->error)) {
      if (!known_grpc_status(grpc->value)) {
        report(ap + ".grpcStatus", "unknown gRPC status \"" + grpc->value +
                                       "\" (expected a code name such as UNAVAILABLE)");
      }
    } else {
      report(ap + ".http2Error", "HTTP/2 abort fault injection is not supported");
    }
  }
}

void validate_mirrors(const HTTPRoute& r, const std::string& path, Reporter& report) {
  if (r.mirror) validate_destination(*r.mirror, path + ".mirror", report);
  if (r.mirror && !r.mirrors.empty()) {
    report(path + ".mirrors", "mirror and mirrors cannot both be set");
  }
  if (r.mirror_percentage) {
    validate_percent(*r.mirror_percentage, path + ".mirrorPercentage", report);
  }
  if (r.mirror_percent && *r.mirror_percent > 100) {
    report(path + ".mirror_percent",
           "mirror_percent " + std::to_string(*r.mirror_percent) + " must be at most 100");
  }
  for (size_t i = 0; i < r.mirrors.size(); ++i) {
    const std::string mp = at(path + ".mirrors", i);
    validate_destination(r.mirrors[i].destination, mp + ".destination", report);
    if (r.mirrors[i].percentage) {
      validate_percent(*r.mirrors[i].percentage, mp + ".percentage", report);
    }
  }
}

// CORS header lists are case-insensitive and may be the wildcard "*", unlike header matches.
std::string check_cors_header(std::string_view name) {
  if (name == "*") return "";
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with(':')) return "header name \"" + std::string(name) + "\" is not allowed";
  if (auto reason = check_header_name(lower); !reason.empty()) {
    return "invalid header name \"" + std::string(name) + "\"";
  }
  return "";
}

void validate_cors(const CorsPolicy& c, const std::string& path, Reporter& report) {
  static constexpr std::array<std::string_view, 9> kMethods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (size_t i = 0; i < c.allow_origins.size(); ++i) {
    const std::string op = at(path + ".allowOrigins", i);
    const bool empty =
        std::visit([](const auto& m) { return m.value.empty(); }, c.allow_origins[i]);
    if (empty) {
      report(op, "origin match must not be empty");
    } else {
      validate_string_match(c.allow_origins[i], op, report);
    }
  }
  for (size_t i = 0; i < c.allow_methods.size(); ++i) {
    if (std::find(kMethods.begin(), kMethods.end(), c.allow_methods[i]) == kMethods.end()) {
      report(at(path + ".allowMethods", i),
             "\"" + c.allow_methods[i] + "\" is not a supported HTTP method");
    }
  }
  for (size_t i = 0; i < c.allow_headers.size(); ++i) {
    if (auto reason = check_cors_header(c.allow_headers[i]); !reason.empty()) {
      report(at(path + ".allowHeaders", i), reason);
    }
  }
  for (size_t i = 0; i < c.expose_headers.size(); ++i) {
    if (auto reason = check_cors_header(c.expose_headers[i]); !reason.empty()) {
      report(at(path + ".exposeHeaders", i), reason);
    }
  }
  if (c.max_age) {
    validate_duration(*c.max_age, path + ".maxAge", report);
    // Access-Control-Max-Age is in whole seconds.
    if (c.max_age->count() % 1'000'000'000 != 0) {
      report(path + ".maxAge", "maxAge is accurate only to seconds precision");
    }
  }
}

// Which of route, redirect, directResponse and delegate are set: Istio takes exactly one.
void validate_actions(const HTTPRoute& r, const std::string& path, Reporter& report) {
  const bool has_route = !r.route.empty();
  if (!has_route && !r.redirect && !r.direct_response && !r.delegate) {
    report(path, "one of route, redirect or directResponse is required (or a delegate)");
  }
  if (has_route && r.redirect) report(path, "route and redirect cannot both be set");
  if (has_route && r.direct_response) report(path, "route and directResponse cannot both be set");
  if (r.redirect && r.direct_response) {
    report(path, "redirect and directResponse cannot both be set");
  }
  if (r.delegate && (has_route || r.redirect || r.direct_response)) {
    report(path + ".delegate", "delegate cannot be set with route, redirect or directResponse");
  }
  if (r.redirect && r.rewrite) report(path + ".rewrite", "rewrite cannot be used with redirect");
  if (r.direct_response && r.rewrite) {
    report(path + ".rewrite", "rewrite cannot be used with directResponse");
  }
  // A fault applies to traffic forwarded upstream; Istio refuses it on local responses.
  if (r.redirect && r.fault) report(path + ".fault", "fault cannot be used with redirect");
  if (r.direct_response && r.fault) {
    report(path + ".fault", "fault cannot be used with directResponse");
  }
}

}  // namespace

void validate_percent(const Percent& percent, const std::string& path, Reporter& report) {
  if (percent.value < 0 || percent.value > 100) {
    report(path + ".value", "percentage " + number(percent.value) + " must be between 0 and 100");
  }
}

void validate_http_route(const HTTPRoute& r, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < r.match.size(); ++i)
    validate_match(r.match[i], at(path + ".match", i), report);
  validate_actions(r, path, report);
  for (size_t i = 0; i < r.route.size(); ++i) {
    const std::string rp = at(path + ".route", i);
    validate_destination(r.route[i].destination, rp + ".destination", report);
    if (r.route[i].headers) validate_headers(*r.route[i].headers, rp + ".headers", report);
  }
  validate_weights(r.route, path + ".route", report);
  if (r.redirect) validate_redirect(*r.redirect, path + ".redirect", report);
  if (r.direct_response) {
    validate_direct_response(*r.direct_response, path + ".directResponse", report);
  }
  if (r.delegate) validate_delegate(*r.delegate, path + ".delegate", report);
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
  if (r.fault) validate_fault(*r.fault, path + ".fault", report);
  validate_mirrors(r, path, report);
  if (r.cors_policy) validate_cors(*r.cors_policy, path + ".corsPolicy", report);
  if (r.headers) validate_headers(*r.headers, path + ".headers", report);
}

}  // namespace jib::mesh::detail
