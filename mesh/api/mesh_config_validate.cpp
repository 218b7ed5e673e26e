// Istio's checks of a MeshConfig (those of its mesh-config validation), applied to typed values.
#include <charconv>
#include <set>

#include "mesh/api/mesh_config_internal.h"
#include "mesh/api/field_checks.h"

namespace jib::mesh::detail {
namespace {

class MeshReporter {
 public:
  MeshReporter(const std::string& file, const std::string& object, const FieldLines& lines,
               ConfigErrors* out)
      : file_(file), object_(object), lines_(lines), out_(out) {}

  void operator()(std::string field, std::string message) {
    out_->push_back(ConfigError{file_, line_for(field), object_, field, std::move(message)});
  }

 private:
  // The line of the field, else of the nearest enclosing field that has one.
  int line_for(std::string field) const {
    while (!field.empty()) {
      if (auto it = lines_.find(field); it != lines_.end()) return it->second;
      size_t cut = field.find_last_of(".[");
      field.resize(cut == std::string::npos ? 0 : cut);
    }
    auto it = lines_.find("");
    return it == lines_.end() ? 0 : it->second;
  }

  const std::string& file_;
  const std::string& object_;
  const FieldLines& lines_;
  ConfigErrors* out_;
};

void min_duration(Duration d, const std::string& field, MeshReporter& report) {
  if (d < std::chrono::milliseconds(1)) report(field, "duration must be at least 1ms");
}

void port(uint32_t number, const std::string& field, MeshReporter& report) {
  if (number < 1 || number > 65535) {
    report(field, "port number " + std::to_string(number) + " must be between 1 and 65535");
  }
}

std::string check_trust_domain(std::string_view td) {
  if (td.empty()) return "trust domain must not be empty";
  for (char c : td) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok)
      return "trust domain \"" + std::string(td) +
             "\" has a character other than letters, digits, '.', '-' and '_'";
  }
  return "";
}

// "host:port" as discoveryAddress needs it.
std::string check_host_port(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "must be host:port";
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  uint32_t number = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), number);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || number < 1 ||
      number > 65535) {
    return "port \"" + std::string(port_text) + "\" is not a number between 1 and 65535";
  }
  if (is_ip_address(host)) return "";
  if (auto reason = check_dns1123_subdomain(host); !reason.empty()) return "host: " + reason;
  return "";
}

void validate_proxy_config(const ProxyConfig& pc, const std::string& path, MeshReporter& report) {
  if (pc.config_path.empty()) report(path + ".configPath", "must not be empty");
  if (pc.binary_path.empty()) report(path + ".binaryPath", "must not be empty");
  min_duration(pc.drain_duration, path + ".drainDuration", report);
  min_duration(pc.termination_drain_duration, path + ".terminationDrainDuration", report);
  if (auto reason = check_host_port(pc.discovery_address); !reason.empty()) {
    report(path + ".discoveryAddress",
           "invalid address \"" + pc.discovery_address + "\": " + reason);
  }
  port(pc.proxy_admin_port, path + ".proxyAdminPort", report);
  port(pc.status_port, path + ".statusPort", report);
  if (pc.status_port == pc.proxy_admin_port) {
    report(path + ".statusPort", "must differ from proxyAdminPort");
  }
  if (pc.concurrency && *pc.concurrency < 0) report(path + ".concurrency", "must not be negative");
  if (pc.tracing && pc.tracing->sampling &&
      (*pc.tracing->sampling < 0.0 || *pc.tracing->sampling > 100.0)) {
    report(path + ".tracing.sampling", "must be between 0 and 100 (percent)");
  }
  if (pc.proxy_stats_matcher) {
    const auto& regexps = pc.proxy_stats_matcher->inclusion_regexps;
    for (size_t i = 0; i < regexps.size(); ++i) {
      if (auto reason = check_regex(regexps[i]); !reason.empty()) {
        report(path + ".proxyStatsMatcher.inclusionRegexps[" + std::to_string(i) + "]", reason);
      }
    }
  }
}

// service and port of a provider that names a backend.
template <typename T>
void backend(const T& p, const std::string& path, MeshReporter& report) {
  if (p.service.empty()) {
    report(path + ".service", "required");
  } else if (auto reason = check_wildcard_host(p.service); !reason.empty() || p.service == "*") {
    report(path + ".service", reason.empty() ? "must name a service, not \"*\"" : reason);
  }
  port(p.port, path + ".port", report);
}

void status_code(const std::string& text, const std::string& field, MeshReporter& report) {
  if (text.empty()) return;
  int code = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (ec != std::errc() || end != text.data() + text.size() || code < 100 || code > 599) {
    report(field, "\"" + text + "\" is not an HTTP status code");
  }
}

void headers(const std::vector<std::string>& names, const std::string& path, MeshReporter& report) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (auto reason = check_header_name(names[i]); !reason.empty()) {
      report(path + "[" + std::to_string(i) + "]", reason);
    }
  }
}

void validate_provider(const ExtensionProvider& e, const std::string& path, MeshReporter& report) {
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          report(path, "a provider kind (envoyExtAuthzHttp, zipkin, prometheus, ...) is required");
        } else if constexpr (std::is_same_v<T, EnvoyExternalAuthorizationHttp>) {
          const std::string p_path = path + ".envoyExtAuthzHttp";
          backend(p, p_path, report);
          if (p.timeout) min_duration(*p.timeout, p_path + ".timeout", report);
          if (!p.path_prefix.empty() && p.path_prefix.front() != '/') {
            report(p_path + ".pathPrefix", "must start with '/'");
          }
          status_code(p.status_on_error, p_path + ".statusOnError", report);
          headers(p.headers_to_upstream_on_allow, p_path + ".headersToUpstreamOnAllow", report);
          headers(p.headers_to_downstream_on_deny, p_path + ".headersToDownstreamOnDeny", report);
          headers(p.headers_to_downstream_on_allow, p_path + ".headersToDownstreamOnAllow", report);
        } else if constexpr (std::is_same_v<T, EnvoyExternalAuthorizationGrpc>) {
          const std::string p_path = path + ".envoyExtAuthzGrpc";
          backend(p, p_path, report);
          if (p.timeout) min_duration(*p.timeout, p_path + ".timeout", report);
          status_code(p.status_on_error, p_path + ".statusOnError", report);
        } else if constexpr (std::is_same_v<T, ZipkinProvider>) {
          backend(p, path + ".zipkin", report);
        } else if constexpr (std::is_same_v<T, DatadogProvider>) {
          backend(p, path + ".datadog", report);
        } else if constexpr (std::is_same_v<T, SkywalkingProvider>) {
          backend(p, path + ".skywalking", report);
        } else if constexpr (std::is_same_v<T, OpenTelemetryProvider>) {
          backend(p, path + ".opentelemetry", report);
        } else if constexpr (std::is_same_v<T, EnvoyFileAccessLogProvider>) {
          if (p.path.empty()) report(path + ".envoyFileAccessLog.path", "required");
        } else if constexpr (std::is_same_v<T, ExtensionProvider::HttpAls>) {
          backend(p, path + ".envoyHttpAls", report);
        } else if constexpr (std::is_same_v<T, ExtensionProvider::TcpAls>) {
          backend(p, path + ".envoyTcpAls", report);
        } else if constexpr (std::is_same_v<T, EnvoyOpenTelemetryLogProvider>) {
          backend(p, path + ".envoyOtelAls", report);
        }
      },
      e.provider);
}

void validate_selector(const LabelSelector& s, const std::string& path, MeshReporter& report) {
  for (size_t i = 0; i < s.match_expressions.size(); ++i) {
    const auto& r = s.match_expressions[i];
    const std::string p = path + ".matchExpressions[" + std::to_string(i) + "]";
    if (r.key.empty()) report(p + ".key", "required");
    if (r.op == "In" || r.op == "NotIn") {
      if (r.values.empty()) report(p + ".values", "required for operator " + r.op);
    } else if (r.op == "Exists" || r.op == "DoesNotExist") {
      if (!r.values.empty()) report(p + ".values", "must be empty for operator " + r.op);
    } else {
      report(p + ".operator", "\"" + r.op + "\" is not In, NotIn, Exists or DoesNotExist");
    }
  }
}

void validate_tls(const TlsConfig& tls, const std::string& path, MeshReporter& report) {
  static const std::set<std::string> kVersions = {"TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2",
                                                  "TLSV1_3"};
  if (!tls.min_protocol_version.empty() && !kVersions.contains(tls.min_protocol_version)) {
    report(path + ".minProtocolVersion",
           "\"" + tls.min_protocol_version + "\" is not TLS_AUTO or TLSV1_0 .. TLSV1_3");
  }
}

}  // namespace

ConfigErrors validate_mesh_config(const MeshConfig& mc, const std::string& file,
                                  const std::string& object, const FieldLines& lines) {
  ConfigErrors errors;
  MeshReporter report(file, object, lines, &errors);
  if (auto reason = check_trust_domain(mc.trust_domain); !reason.empty()) {
    report("trustDomain", reason);
  }
  for (size_t i = 0; i < mc.trust_domain_aliases.size(); ++i) {
    if (auto reason = check_trust_domain(mc.trust_domain_aliases[i]); !reason.empty()) {
      report("trustDomainAliases[" + std::to_string(i) + "]", reason);
    }
  }
  if (auto reason = check_dns1123_label(mc.root_namespace); !reason.empty()) {
    report("rootNamespace", "invalid namespace \"" + mc.root_namespace + "\": " + reason);
  }
  min_duration(mc.connect_timeout, "connectTimeout", report);
  if (mc.protocol_detection_timeout != Duration::zero()) {
    min_duration(mc.protocol_detection_timeout, "protocolDetectionTimeout", report);
  }
  min_duration(mc.dns_refresh_rate, "dnsRefreshRate", report);
  port(mc.proxy_listen_port, "proxyListenPort", report);
  port(mc.proxy_inbound_listen_port, "proxyInboundListenPort", report);
  if (mc.proxy_http_port != 0) port(mc.proxy_http_port, "proxyHttpPort", report);
  if (mc.tcp_keepalive) {
    if (mc.tcp_keepalive->time) min_duration(*mc.tcp_keepalive->time, "tcpKeepalive.time", report);
    if (mc.tcp_keepalive->interval) {
      min_duration(*mc.tcp_keepalive->interval, "tcpKeepalive.interval", report);
    }
  }
  validate_proxy_config(mc.default_config, "defaultConfig", report);
  std::set<std::string> names;
  for (size_t i = 0; i < mc.extension_providers.size(); ++i) {
    const auto& e = mc.extension_providers[i];
    const std::string path = "extensionProviders[" + std::to_string(i) + "]";
    if (e.name.empty()) {
      report(path + ".name", "required");
    } else if (!names.insert(e.name).second) {
      report(path + ".name", "duplicate extension provider name \"" + e.name + "\"");
    }
    validate_provider(e, path, report);
  }
  for (size_t i = 0; i < mc.discovery_selectors.size(); ++i) {
    validate_selector(mc.discovery_selectors[i], "discoverySelectors[" + std::to_string(i) + "]",
                      report);
  }
  if (mc.mesh_mtls) validate_tls(*mc.mesh_mtls, "meshMTLS", report);
  if (mc.tls_defaults) validate_tls(*mc.tls_defaults, "tlsDefaults", report);
  return errors;
}

}  // namespace jib::mesh::detail
