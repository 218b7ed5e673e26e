// The HTTPRoute of a VirtualService: its matches, actions and policies.
#include <cstdint>

#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

// Istio rejects direct response bodies above 1MB; above 100KB it only warns.
constexpr size_t kLargeBodyWarning = 100 * 1024;

// Istio's body.bytes is base64 (protobuf JSON); the typed body is the decoded text.
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return true;
}

// A protobuf oneof written with two of its members is ambiguous; Istio's API server refuses it.
template <typename Variant, typename T>
void set_oneof(Decoder& d, const YAML::Node& at, const std::string& path, std::string_view names,
               std::optional<Variant>& out, T value) {
  if (out) d.error(at, path, "only one of " + std::string(names) + " can be set");
  out = std::move(value);
}

void decode_header_ops(Decoder& d, const YAML::Node& node, const std::string& path,
                       HeaderOperations& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "set") return d.string_map(v, p, out.set);
    if (key == "add") return d.string_map(v, p, out.add);
    if (key == "remove") return d.strings(v, p, out.remove);
    return false;
  });
}

void decode_headers(Decoder& d, const YAML::Node& node, const std::string& path, Headers& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "request") return decode_header_ops(d, v, p, out.request), true;
    if (key == "response") return decode_header_ops(d, v, p, out.response), true;
    return false;
  });
}

void decode_percent(Decoder& d, const YAML::Node& node, const std::string& path, Percent& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key != "value") return false;
    std::optional<double> value;
    d.f64(v, p, value);
    out.value = value.value_or(0);
    return true;
  });
}

void decode_match(Decoder& d, const YAML::Node& node, const std::string& path,
                  HTTPMatchRequest& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "uri") return d.string_match(v, p, out.uri);
    if (key == "scheme") return d.string_match(v, p, out.scheme);
    if (key == "method") return d.string_match(v, p, out.method);
    if (key == "authority") return d.string_match(v, p, out.authority);
    if (key == "headers") return d.string_match_map(v, p, out.headers);
    if (key == "queryParams") return d.string_match_map(v, p, out.query_params);
    if (key == "withoutHeaders") return d.string_match_map(v, p, out.without_headers);
    if (key == "port") return d.u32(v, p, out.port);
    if (key == "sourceLabels") return d.string_map(v, p, out.source_labels);
    if (key == "gateways") return d.strings(v, p, out.gateways);
    if (key == "ignoreUriCase") return d.boolean(v, p, out.ignore_uri_case);
    if (key == "sourceNamespace") return d.str(v, p, out.source_namespace);
    if (key == "statPrefix") return d.str(v, p, out.stat_prefix);
    return false;
  });
}

void decode_redirect(Decoder& d, const YAML::Node& node, const std::string& path,
                     HTTPRedirect& out) {
  using DerivePort = HTTPRedirect::DerivePort;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "uri") return d.str(v, p, out.uri);
    if (key == "authority") return d.str(v, p, out.authority);
    if (key == "port") return d.u32(v, p, out.port);
    if (key == "derivePort") {
      DerivePort derive = DerivePort::kFromProtocolDefault;
      d.enumeration<DerivePort>(v, p,
                                {{"FROM_PROTOCOL_DEFAULT", DerivePort::kFromProtocolDefault},
                                 {"FROM_REQUEST_PORT", DerivePort::kFromRequestPort}},
                                derive);
      out.derive_port = derive;
      return true;
    }
    if (key == "scheme") return d.str(v, p, out.scheme);
    if (key == "redirectCode") return d.u32(v, p, out.redirect_code);
    return false;
  });
}

void decode_rewrite(Decoder& d, const YAML::Node& node, const std::string& path, HTTPRewrite& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "uri") return d.str(v, p, out.uri);
    if (key == "authority") return d.str(v, p, out.authority);
    if (key == "uriRegexRewrite") {
      // Both parts are recorded even when empty, so that validation sees a half-given pair.
      d.fields(v, p, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
        if (k == "match") return d.str(rv, rp, out.uri_regex_match);
        if (k == "rewrite") return d.str(rv, rp, out.uri_regex_rewrite);
        return false;
      });
      if (!out.uri_regex_match) out.uri_regex_match = "";
      if (!out.uri_regex_rewrite) out.uri_regex_rewrite = "";
      return true;
    }
    return false;
  });
}

void decode_retry(Decoder& d, const YAML::Node& node, const std::string& path, HTTPRetry& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "attempts") return d.i32(v, p, out.attempts);
    if (key == "perTryTimeout") return d.duration(v, p, out.per_try_timeout);
    if (key == "retryOn") return d.str(v, p, out.retry_on);
    if (key == "retryRemoteLocalities") return d.boolean(v, p, out.retry_remote_localities);
    if (key == "retryIgnorePreviousHosts") {
      return d.boolean(v, p, out.retry_ignore_previous_hosts);
    }
    if (key == "backoff") return d.duration(v, p, out.backoff);
    return false;
  });
}

void decode_direct_response(Decoder& d, const YAML::Node& node, const std::string& path,
                            HTTPDirectResponse& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "status") return d.u32(v, p, out.status);
    if (key != "body") return false;
    d.fields(v, p, [&](std::string_view k, const YAML::Node& bv, const std::string& bp) {
      if (k != "string" && k != "bytes") return false;
      if (out.body) d.error(bv, bp, "only one of string and bytes can be set");
      if (k == "string") {
        d.str(bv, bp, out.body);
        out.body_from_bytes = false;
      } else {
        std::string encoded;
        std::string decoded;
        if (d.scalar(bv, bp, encoded) && !decode_base64(encoded, decoded)) {
          d.error(bv, bp, "invalid base64");
        }
        out.body = decoded;
        out.body_from_bytes = true;
      }
      if (out.body && out.body->size() > kLargeBodyWarning) {
        d.warn(bv, bp, "large direct response bodies may impact control plane performance");
      }
      return true;
    });
    return true;
  });
}

void decode_delay(Decoder& d, const YAML::Node& node, const std::string& path,
                  HTTPFaultDelay& out) {
  constexpr std::string_view kOneof = "fixedDelay and exponentialDelay";
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "fixedDelay" || key == "exponentialDelay") {
      std::optional<Duration> value;
      d.duration(v, p, value);
      if (key == "fixedDelay") {
        set_oneof(d, v, p, kOneof, out.delay, FixedDelay{value.value_or(Duration{})});
      } else {
        set_oneof(d, v, p, kOneof, out.delay, ExponentialDelay{value.value_or(Duration{})});
      }
      return true;
    }
    if (key == "percentage") return decode_percent(d, v, p, out.percentage.emplace()), true;
    if (key == "percent") return d.i32(v, p, out.percent.emplace());
    return false;
  });
}

void decode_abort(Decoder& d, const YAML::Node& node, const std::string& path,
                  HTTPFaultAbort& out) {
  constexpr std::string_view kOneof = "httpStatus, grpcStatus and http2Error";
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "httpStatus") {
      AbortHttpStatus status;
      d.i32(v, p, status.value);
      return set_oneof(d, v, p, kOneof, out.error, status), true;
    }
    if (key == "grpcStatus" || key == "http2Error") {
      std::string text;
      d.str(v, p, text);
      if (key == "grpcStatus") {
        set_oneof(d, v, p, kOneof, out.error, AbortGrpcStatus{text});
      } else {
        set_oneof(d, v, p, kOneof, out.error, AbortHttp2Error{text});
      }
      return true;
    }
    if (key == "percentage") return decode_percent(d, v, p, out.percentage.emplace()), true;
    return false;
  });
  // Istio accepts it with a warning: the abort then never fires.
  if (!out.error && node.IsMap()) d.warn(node, path, "abort configured, but error type not set");
}

void decode_fault(Decoder& d, const YAML::Node& node, const std::string& path,
                  HTTPFaultInjection& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "delay") return decode_delay(d, v, p, out.delay.emplace()), true;
    if (key == "abort") return decode_abort(d, v, p, out.abort.emplace()), true;
    return false;
  });
}

void decode_cors(Decoder& d, const YAML::Node& node, const std::string& path, CorsPolicy& out) {
  using Unmatched = CorsPolicy::UnmatchedPreflights;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "allowOrigin") return d.strings(v, p, out.allow_origin);
    if (key == "allowOrigins")
      return d.list(v, p, out.allow_origins,
                    [&](auto& n, auto& ip, StringMatch& m) { d.string_match(n, ip, m); });
    if (key == "allowMethods") return d.strings(v, p, out.allow_methods);
    if (key == "allowHeaders") return d.strings(v, p, out.allow_headers);
    if (key == "exposeHeaders") return d.strings(v, p, out.expose_headers);
    if (key == "maxAge") return d.duration(v, p, out.max_age);
    if (key == "allowCredentials") return d.boolean(v, p, out.allow_credentials);
    if (key == "unmatchedPreflights") {
      return d.enumeration<Unmatched>(v, p,
                                      {{"UNSPECIFIED", Unmatched::kUnspecified},
                                       {"FORWARD", Unmatched::kForward},
                                       {"IGNORE", Unmatched::kIgnore}},
                                      out.unmatched_preflights);
    }
    return false;
  });
}

void decode_mirror_policy(Decoder& d, const YAML::Node& node, const std::string& path,
                          HTTPMirrorPolicy& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "destination") return decode_destination(d, v, p, out.destination), true;
    if (key == "percentage") return decode_percent(d, v, p, out.percentage.emplace()), true;
    return false;
  });
}

void decode_delegate(Decoder& d, const YAML::Node& node, const std::string& path, Delegate& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "namespace") return d.str(v, p, out.ns);
    return false;
  });
}

}  // namespace

void decode_http_route(Decoder& d, const YAML::Node& node, const std::string& path,
                       HTTPRoute& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "match")
      return d.list(v, p, out.match,
                    [&](auto& n, auto& ip, auto& m) { decode_match(d, n, ip, m); });
    if (key == "route")
      return d.list(v, p, out.route, [&](auto& n, auto& ip, auto& r) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
          if (k == "destination") return decode_destination(d, rv, rp, r.destination), true;
          if (k == "weight") return d.i32(rv, rp, r.weight);
          if (k == "headers") return decode_headers(d, rv, rp, r.headers.emplace()), true;
          return false;
        });
      });
    if (key == "redirect") return decode_redirect(d, v, p, out.redirect.emplace()), true;
    if (key == "directResponse") {
      return decode_direct_response(d, v, p, out.direct_response.emplace()), true;
    }
    if (key == "delegate") return decode_delegate(d, v, p, out.delegate.emplace()), true;
    if (key == "rewrite") return decode_rewrite(d, v, p, out.rewrite.emplace()), true;
    if (key == "timeout") return d.duration(v, p, out.timeout);
    if (key == "retries") return decode_retry(d, v, p, out.retries.emplace()), true;
    if (key == "fault") return decode_fault(d, v, p, out.fault.emplace()), true;
    if (key == "mirror") return decode_destination(d, v, p, out.mirror.emplace()), true;
    if (key == "mirrors")
      return d.list(v, p, out.mirrors,
                    [&](auto& n, auto& ip, auto& m) { decode_mirror_policy(d, n, ip, m); });
    if (key == "mirrorPercentage") {
      return decode_percent(d, v, p, out.mirror_percentage.emplace()), true;
    }
    // The CRD schema spells the deprecated field mirror_percent; protobuf JSON mirrorPercent.
    if (key == "mirror_percent" || key == "mirrorPercent") return d.u32(v, p, out.mirror_percent);
    if (key == "corsPolicy") return decode_cors(d, v, p, out.cors_policy.emplace()), true;
    if (key == "headers") return decode_headers(d, v, p, out.headers.emplace()), true;
    return false;
  });
}

}  // namespace jib::mesh::detail
