#include <cstdlib>

#include "mesh/api/mesh_config_internal.h"

namespace jib::mesh::detail {
namespace {

// A field whose value is a Duration that always has a default.
bool duration_value(Decoder& d, const YAML::Node& v, const std::string& p, Duration& out) {
  std::optional<Duration> parsed;
  d.duration(v, p, parsed);
  if (parsed) out = *parsed;
  return true;
}

bool real(Decoder& d, const YAML::Node& v, const std::string& p, std::optional<double>& out) {
  std::string text;
  if (!d.scalar(v, p, text)) return true;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    d.error(v, p, "expected a number, got \"" + text + "\"");
  } else {
    out = value;
  }
  return true;
}

void decode_tracing(Decoder& d, const YAML::Node& node, const std::string& path,
                    TracingConfig& out) {
  int tracers = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    auto address = [&](std::string& a) {
      ++tracers;
      d.fields(v, p, [&](std::string_view k, const YAML::Node& av, const std::string& ap) {
        if (k == "address") return d.str(av, ap, a);
        return false;
      });
      return true;
    };
    if (key == "zipkin") return address(out.tracer.emplace<Zipkin>().address);
    if (key == "datadog") return address(out.tracer.emplace<Datadog>().address);
    if (key == "sampling") return real(d, v, p, out.sampling);
    if (key == "maxPathTagLength") return d.u32(v, p, out.max_path_tag_length);
    return false;
  });
  if (tracers > 1) d.error(node, path, "at most one tracer (zipkin or datadog)");
}

void decode_proxy_config(Decoder& d, const YAML::Node& node, const std::string& path,
                         ProxyConfig& out) {
  using Auth = ProxyConfig::AuthPolicy;
  using Mode = ProxyConfig::InterceptionMode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "configPath") return d.str(v, p, out.config_path);
    if (key == "binaryPath") return d.str(v, p, out.binary_path);
    if (key == "serviceCluster") return d.str(v, p, out.service_cluster);
    if (key == "drainDuration") return duration_value(d, v, p, out.drain_duration);
    if (key == "terminationDrainDuration") {
      return duration_value(d, v, p, out.termination_drain_duration);
    }
    if (key == "discoveryAddress") return d.str(v, p, out.discovery_address);
    if (key == "proxyAdminPort") return d.u32(v, p, out.proxy_admin_port);
    if (key == "statusPort") return d.u32(v, p, out.status_port);
    if (key == "statNameLength") return d.u32(v, p, out.stat_name_length);
    if (key == "concurrency") return d.i32(v, p, out.concurrency.emplace());
    if (key == "controlPlaneAuthPolicy") {
      return d.enumeration<Auth>(
          v, p,
          {{"NONE", Auth::kNone}, {"MUTUAL_TLS", Auth::kMutualTls}, {"INHERIT", Auth::kInherit}},
          out.control_plane_auth_policy);
    }
    if (key == "customConfigFile") return d.str(v, p, out.custom_config_file);
    if (key == "tracing") {
      decode_tracing(d, v, p, out.tracing.emplace());
      return true;
    }
    if (key == "proxyMetadata") return d.string_map(v, p, out.proxy_metadata);
    if (key == "holdApplicationUntilProxyStarts") {
      return d.boolean(v, p, out.hold_application_until_proxy_starts);
    }
    if (key == "interceptionMode") {
      return d.enumeration<Mode>(
          v, p, {{"REDIRECT", Mode::kRedirect}, {"TPROXY", Mode::kTproxy}, {"NONE", Mode::kNone}},
          out.interception_mode);
    }
    if (key == "proxyStatsMatcher") {
      auto& m = out.proxy_stats_matcher.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
        if (k == "inclusionPrefixes") return d.strings(mv, mp, m.inclusion_prefixes);
        if (k == "inclusionSuffixes") return d.strings(mv, mp, m.inclusion_suffixes);
        if (k == "inclusionRegexps") return d.strings(mv, mp, m.inclusion_regexps);
        return false;
      });
      return true;
    }
    if (key == "extraStatTags") return d.strings(v, p, out.extra_stat_tags);
    if (key == "gatewayTopology") {
      auto& g = out.gateway_topology.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& gv, const std::string& gp) {
        if (k == "numTrustedProxies") return d.u32(gv, gp, g.num_trusted_proxies);
        return false;
      });
      return true;
    }
    if (key == "meshId") return d.str(v, p, out.mesh_id);
    return false;
  });
}

void decode_body_options(Decoder& d, const YAML::Node& v, const std::string& p,
                         std::optional<RequestBodyOptions>& out) {
  auto& b = out.emplace();
  d.fields(v, p, [&](std::string_view k, const YAML::Node& bv, const std::string& bp) {
    if (k == "maxRequestBytes") return d.u32(bv, bp, b.max_request_bytes);
    if (k == "allowPartialMessage") return d.boolean(bv, bp, b.allow_partial_message);
    if (k == "packAsBytes") return d.boolean(bv, bp, b.pack_as_bytes);
    return false;
  });
}

void decode_log_format(Decoder& d, const YAML::Node& v, const std::string& p,
                       std::optional<LogFormat>& out) {
  auto& f = out.emplace();
  int kinds = 0;
  d.fields(v, p, [&](std::string_view k, const YAML::Node& fv, const std::string& fp) {
    if (k == "text") {
      ++kinds;
      return d.str(fv, fp, f.format.emplace<std::string>());
    }
    if (k == "labels") {
      ++kinds;
      return d.string_map(fv, fp, f.format.emplace<std::map<std::string, std::string>>());
    }
    return false;
  });
  if (kinds > 1) d.error(v, p, "at most one of text or labels");
}

// The fields shared by every provider that names a backend.
template <typename T>
bool service_port(Decoder& d, std::string_view k, const YAML::Node& v, const std::string& p,
                  T& out) {
  if (k == "service") return d.str(v, p, out.service);
  if (k == "port") return d.u32(v, p, out.port);
  return false;
}

void decode_provider_body(Decoder& d, std::string_view kind, const YAML::Node& v,
                          const std::string& p, ExtensionProvider::Provider& out) {
  auto each = [&](auto& target, auto&& fn) {
    d.fields(v, p, [&](std::string_view k, const YAML::Node& fv, const std::string& fp) {
      return fn(k, fv, fp, target);
    });
  };
  if (kind == "envoyExtAuthzHttp") {
    each(out.emplace<EnvoyExternalAuthorizationHttp>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "timeout") return d.duration(fv, fp, o.timeout);
           if (k == "pathPrefix") return d.str(fv, fp, o.path_prefix);
           if (k == "failOpen") return d.boolean(fv, fp, o.fail_open);
           if (k == "statusOnError") return d.str(fv, fp, o.status_on_error);
           if (k == "includeRequestHeadersInCheck" || k == "includeHeadersInCheck") {
             return d.strings(fv, fp, o.include_request_headers_in_check);
           }
           if (k == "includeAdditionalHeadersInCheck") {
             return d.string_map(fv, fp, o.include_additional_headers_in_check);
           }
           if (k == "includeRequestBodyInCheck") {
             decode_body_options(d, fv, fp, o.include_request_body_in_check);
             return true;
           }
           if (k == "headersToUpstreamOnAllow") {
             return d.strings(fv, fp, o.headers_to_upstream_on_allow);
           }
           if (k == "headersToDownstreamOnDeny") {
             return d.strings(fv, fp, o.headers_to_downstream_on_deny);
           }
           if (k == "headersToDownstreamOnAllow") {
             return d.strings(fv, fp, o.headers_to_downstream_on_allow);
           }
           return false;
         });
  } else if (kind == "envoyExtAuthzGrpc") {
    each(out.emplace<EnvoyExternalAuthorizationGrpc>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "timeout") return d.duration(fv, fp, o.timeout);
           if (k == "failOpen") return d.boolean(fv, fp, o.fail_open);
           if (k == "statusOnError") return d.str(fv, fp, o.status_on_error);
           if (k == "includeRequestBodyInCheck") {
             decode_body_options(d, fv, fp, o.include_request_body_in_check);
             return true;
           }
           return false;
         });
  } else if (kind == "zipkin") {
    each(out.emplace<ZipkinProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "maxTagLength") return d.u32(fv, fp, o.max_tag_length);
           if (k == "enable64bitTraceId") return d.boolean(fv, fp, o.enable_64bit_trace_id);
           if (k == "path") return d.str(fv, fp, o.path);
           return false;
         });
  } else if (kind == "datadog") {
    each(out.emplace<DatadogProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "maxTagLength") return d.u32(fv, fp, o.max_tag_length);
           return false;
         });
  } else if (kind == "skywalking") {
    each(out.emplace<SkywalkingProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "accessToken") return d.str(fv, fp, o.access_token);
           return false;
         });
  } else if (kind == "opentelemetry") {
    each(out.emplace<OpenTelemetryProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "maxTagLength") return d.u32(fv, fp, o.max_tag_length);
           return false;
         });
  } else if (kind == "prometheus") {
    out.emplace<PrometheusProvider>();
    d.fields(v, p, [](std::string_view, const YAML::Node&, const std::string&) { return false; });
  } else if (kind == "stackdriver") {
    each(out.emplace<StackdriverProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (k == "maxTagLength") return d.u32(fv, fp, o.max_tag_length);
           return false;
         });
  } else if (kind == "envoyFileAccessLog") {
    each(out.emplace<EnvoyFileAccessLogProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (k == "path") return d.str(fv, fp, o.path);
           if (k == "logFormat") {
             decode_log_format(d, fv, fp, o.log_format);
             return true;
           }
           return false;
         });
  } else if (kind == "envoyHttpAls" || kind == "envoyTcpAls") {
    EnvoyGrpcAlsProvider& als =
        kind == "envoyHttpAls"
            ? static_cast<EnvoyGrpcAlsProvider&>(out.emplace<ExtensionProvider::HttpAls>())
            : out.emplace<ExtensionProvider::TcpAls>();
    const bool http = kind == "envoyHttpAls";
    each(als, [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
      if (service_port(d, k, fv, fp, o)) return true;
      if (k == "logName") return d.str(fv, fp, o.log_name);
      if (k == "filterStateObjectsToLog") return d.strings(fv, fp, o.filter_state_objects_to_log);
      if (http && k == "additionalRequestHeadersToLog") {
        return d.strings(fv, fp, o.additional_request_headers_to_log);
      }
      if (http && k == "additionalResponseHeadersToLog") {
        return d.strings(fv, fp, o.additional_response_headers_to_log);
      }
      return false;
    });
  } else {
    each(out.emplace<EnvoyOpenTelemetryLogProvider>(),
         [&](std::string_view k, const YAML::Node& fv, const std::string& fp, auto& o) {
           if (service_port(d, k, fv, fp, o)) return true;
           if (k == "logName") return d.str(fv, fp, o.log_name);
           if (k == "logFormat") {
             decode_log_format(d, fv, fp, o.log_format);
             return true;
           }
           return false;
         });
  }
}

bool is_provider_kind(std::string_view key) {
  for (std::string_view k : {"envoyExtAuthzHttp", "envoyExtAuthzGrpc", "zipkin", "datadog",
                             "skywalking", "opentelemetry", "prometheus", "stackdriver",
                             "envoyFileAccessLog", "envoyHttpAls", "envoyTcpAls", "envoyOtelAls"}) {
    if (k == key) return true;
  }
  return false;
}

void decode_extension_provider(Decoder& d, const YAML::Node& node, const std::string& path,
                               ExtensionProvider& out) {
  int kinds = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (!is_provider_kind(key)) return false;
    if (++kinds == 1) decode_provider_body(d, key, v, p, out.provider);
    return true;
  });
  if (kinds > 1) d.error(node, path, "a provider has exactly one provider kind, found several");
}

void decode_label_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                           LabelSelector& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "matchLabels") return d.string_map(v, p, out.match_labels);
    if (key == "matchExpressions") {
      return d.list(
          v, p, out.match_expressions,
          [&](const YAML::Node& item, const std::string& ip, LabelSelectorRequirement& r) {
            d.fields(item, ip,
                     [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
                       if (k == "key") return d.str(rv, rp, r.key);
                       if (k == "operator") return d.str(rv, rp, r.op);
                       if (k == "values") return d.strings(rv, rp, r.values);
                       return false;
                     });
          });
    }
    return false;
  });
}

void decode_tls_config(Decoder& d, const YAML::Node& node, const std::string& path,
                       TlsConfig& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "minProtocolVersion") return d.str(v, p, out.min_protocol_version);
    if (key == "ecdhCurves") return d.strings(v, p, out.ecdh_curves);
    if (key == "cipherSuites") return d.strings(v, p, out.cipher_suites);
    return false;
  });
}

}  // namespace

void decode_mesh_config(Decoder& d, const YAML::Node& node, MeshConfig& out) {
  using Encoding = MeshConfig::AccessLogEncoding;
  using IngressMode = MeshConfig::IngressControllerMode;
  using H2 = MeshConfig::H2UpgradePolicy;
  using Outbound = MeshOutboundTrafficPolicy::Mode;
  d.fields(node, "", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "trustDomain") return d.str(v, p, out.trust_domain);
    if (key == "trustDomainAliases") return d.strings(v, p, out.trust_domain_aliases);
    if (key == "rootNamespace") return d.str(v, p, out.root_namespace);
    if (key == "outboundTrafficPolicy") {
      d.fields(v, p, [&](std::string_view k, const YAML::Node& ov, const std::string& op) {
        if (k != "mode") return false;
        return d.enumeration<Outbound>(
            ov, op,
            {{"REGISTRY_ONLY", Outbound::kRegistryOnly}, {"ALLOW_ANY", Outbound::kAllowAny}},
            out.outbound_traffic_policy.mode);
      });
      return true;
    }
    if (key == "defaultConfig") {
      decode_proxy_config(d, v, p, out.default_config);
      return true;
    }
    if (key == "extensionProviders") {
      // The user's list replaces the default (empty) one.
      return d.list(v, p, out.extension_providers,
                    [&](const YAML::Node& item, const std::string& ip, ExtensionProvider& e) {
                      decode_extension_provider(d, item, ip, e);
                    });
    }
    if (key == "defaultProviders") {
      d.fields(v, p, [&](std::string_view k, const YAML::Node& dv, const std::string& dp) {
        if (k == "tracing") return d.strings(dv, dp, out.default_providers.tracing);
        if (k == "metrics") return d.strings(dv, dp, out.default_providers.metrics);
        if (k == "accessLogging") return d.strings(dv, dp, out.default_providers.access_logging);
        return false;
      });
      return true;
    }
    if (key == "enableAutoMtls") return d.boolean(v, p, out.enable_auto_mtls);
    if (key == "enableTracing") return d.boolean(v, p, out.enable_tracing);
    if (key == "enablePrometheusMerge") return d.boolean(v, p, out.enable_prometheus_merge);
    if (key == "accessLogFile") return d.str(v, p, out.access_log_file);
    if (key == "accessLogFormat") return d.str(v, p, out.access_log_format);
    if (key == "accessLogEncoding") {
      return d.enumeration<Encoding>(v, p, {{"TEXT", Encoding::kText}, {"JSON", Encoding::kJson}},
                                     out.access_log_encoding);
    }
    if (key == "connectTimeout") return duration_value(d, v, p, out.connect_timeout);
    if (key == "protocolDetectionTimeout") {
      return duration_value(d, v, p, out.protocol_detection_timeout);
    }
    if (key == "dnsRefreshRate") return duration_value(d, v, p, out.dns_refresh_rate);
    if (key == "proxyListenPort") return d.u32(v, p, out.proxy_listen_port);
    if (key == "proxyInboundListenPort") return d.u32(v, p, out.proxy_inbound_listen_port);
    if (key == "proxyHttpPort") return d.u32(v, p, out.proxy_http_port);
    if (key == "tcpKeepalive") {
      auto& k = out.tcp_keepalive.emplace();
      d.fields(v, p, [&](std::string_view f, const YAML::Node& kv, const std::string& kp) {
        if (f == "probes") return d.u32(kv, kp, k.probes);
        if (f == "time") return d.duration(kv, kp, k.time);
        if (f == "interval") return d.duration(kv, kp, k.interval);
        return false;
      });
      return true;
    }
    if (key == "ingressClass") return d.str(v, p, out.ingress_class);
    if (key == "ingressService") return d.str(v, p, out.ingress_service);
    if (key == "ingressControllerMode") {
      return d.enumeration<IngressMode>(v, p,
                                        {{"UNSPECIFIED", IngressMode::kUnspecified},
                                         {"OFF", IngressMode::kOff},
                                         {"DEFAULT", IngressMode::kDefault},
                                         {"STRICT", IngressMode::kStrict}},
                                        out.ingress_controller_mode);
    }
    if (key == "ingressSelector") return d.str(v, p, out.ingress_selector);
    if (key == "defaultServiceExportTo") {
      out.default_service_export_to.clear();
      return d.strings(v, p, out.default_service_export_to);
    }
    if (key == "defaultVirtualServiceExportTo") {
      out.default_virtual_service_export_to.clear();
      return d.strings(v, p, out.default_virtual_service_export_to);
    }
    if (key == "defaultDestinationRuleExportTo") {
      out.default_destination_rule_export_to.clear();
      return d.strings(v, p, out.default_destination_rule_export_to);
    }
    if (key == "h2UpgradePolicy") {
      return d.enumeration<H2>(v, p,
                               {{"DO_NOT_UPGRADE", H2::kDoNotUpgrade}, {"UPGRADE", H2::kUpgrade}},
                               out.h2_upgrade_policy);
    }
    if (key == "discoverySelectors") {
      return d.list(v, p, out.discovery_selectors,
                    [&](const YAML::Node& item, const std::string& ip, LabelSelector& s) {
                      decode_label_selector(d, item, ip, s);
                    });
    }
    if (key == "inboundClusterStatName") return d.str(v, p, out.inbound_cluster_stat_name);
    if (key == "outboundClusterStatName") return d.str(v, p, out.outbound_cluster_stat_name);
    if (key == "meshMTLS") {
      decode_tls_config(d, v, p, out.mesh_mtls.emplace());
      return true;
    }
    if (key == "tlsDefaults") {
      decode_tls_config(d, v, p, out.tls_defaults.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
