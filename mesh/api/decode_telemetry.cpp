#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

bool decode_mode(Decoder& d, const YAML::Node& v, const std::string& p,
                 TelemetryWorkloadMode& out) {
  using Mode = TelemetryWorkloadMode;
  return d.enumeration(v, p,
                       {{"CLIENT_AND_SERVER", Mode::kClientAndServer},
                        {"CLIENT", Mode::kClient},
                        {"SERVER", Mode::kServer}},
                       out);
}

// The match of tracing and access logging: a mode only.
template <typename Selector>
void decode_mode_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                          Selector& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "mode") return decode_mode(d, v, p, out.mode);
    return false;
  });
}

bool decode_providers(Decoder& d, const YAML::Node& node, const std::string& path,
                      std::vector<TelemetryProviderRef>& out) {
  return d.list(node, path, out, [&](auto& n, auto& ip, TelemetryProviderRef& ref) {
    d.fields(n, ip, [&](std::string_view k, const YAML::Node& v, const std::string& p) {
      if (k == "name") return d.str(v, p, ref.name);
      return false;
    });
  });
}

// Reads an environment or header tag: a name and an optional default.
template <typename Tag>
Tag decode_named_tag(Decoder& d, const YAML::Node& node, const std::string& path) {
  Tag tag;
  d.fields(node, path, [&](std::string_view k, const YAML::Node& v, const std::string& p) {
    if (k == "name") return d.str(v, p, tag.name);
    if (k == "defaultValue") return d.str(v, p, tag.default_value);
    return false;
  });
  return tag;
}

void decode_custom_tags(Decoder& d, const YAML::Node& node, const std::string& path,
                        std::map<std::string, TracingCustomTag>& out) {
  if (!d.expect_map(node, path)) return;
  for (const auto& kv : node) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const std::string field = join(path, name);
    d.record(kv.first, field);
    int kinds = 0;
    TracingCustomTag tag;
    d.fields(kv.second, field, [&](std::string_view k, const YAML::Node& v, const std::string& p) {
      if (k == "literal") {
        TracingLiteral literal;
        d.fields(v, p, [&](std::string_view lk, const YAML::Node& lv, const std::string& lp) {
          if (lk == "value") return d.str(lv, lp, literal.value);
          return false;
        });
        tag = literal;
      } else if (k == "environment") {
        tag = decode_named_tag<TracingEnvironment>(d, v, p);
      } else if (k == "header") {
        tag = decode_named_tag<TracingRequestHeader>(d, v, p);
      } else {
        return false;
      }
      ++kinds;
      return true;
    });
    if (kinds != 1) {
      d.error(kv.first, field, "exactly one of literal, environment or header is required");
    }
    out[name] = std::move(tag);
  }
}

void decode_tracing(Decoder& d, const YAML::Node& node, const std::string& path, Tracing& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "match") {
      decode_mode_selector(d, v, p, emplace_default(out.match));
      return true;
    }
    if (key == "providers") return decode_providers(d, v, p, out.providers);
    if (key == "randomSamplingPercentage") {
      return decode_double(d, v, p, out.random_sampling_percentage);
    }
    if (key == "disableSpanReporting") return d.boolean(v, p, out.disable_span_reporting);
    if (key == "customTags") {
      decode_custom_tags(d, v, p, out.custom_tags);
      return true;
    }
    if (key == "useRequestIdForTraceSampling") {
      return d.boolean(v, p, out.use_request_id_for_trace_sampling);
    }
    if (key == "enableIstioTags") return d.boolean(v, p, out.enable_istio_tags);
    return false;
  });
}

void decode_metric_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                            MetricSelector& out) {
  using M = MetricSelector::IstioMetric;
  int kinds = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "metric") {
      ++kinds;
      M metric = M::kAllMetrics;
      d.enumeration(v, p,
                    {{"ALL_METRICS", M::kAllMetrics},
                     {"REQUEST_COUNT", M::kRequestCount},
                     {"REQUEST_DURATION", M::kRequestDuration},
                     {"REQUEST_SIZE", M::kRequestSize},
                     {"RESPONSE_SIZE", M::kResponseSize},
                     {"TCP_OPENED_CONNECTIONS", M::kTcpOpenedConnections},
                     {"TCP_CLOSED_CONNECTIONS", M::kTcpClosedConnections},
                     {"TCP_SENT_BYTES", M::kTcpSentBytes},
                     {"TCP_RECEIVED_BYTES", M::kTcpReceivedBytes},
                     {"GRPC_REQUEST_MESSAGES", M::kGrpcRequestMessages},
                     {"GRPC_RESPONSE_MESSAGES", M::kGrpcResponseMessages}},
                    metric);
      out.metric_match = metric;
      return true;
    }
    if (key == "customMetric") {
      ++kinds;
      MetricSelector::CustomMetric custom;
      d.str(v, p, custom.name);
      out.metric_match = custom;
      return true;
    }
    if (key == "mode") return decode_mode(d, v, p, out.mode);
    return false;
  });
  if (kinds > 1) d.error(node, path, "only one of metric and customMetric can be set");
}

void decode_tag_overrides(Decoder& d, const YAML::Node& node, const std::string& path,
                          std::map<std::string, MetricTagOverride>& out) {
  using Op = MetricTagOverride::Operation;
  if (!d.expect_map(node, path)) return;
  for (const auto& kv : node) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const std::string field = join(path, name);
    d.record(kv.first, field);
    auto& tag = out[name];
    d.fields(kv.second, field, [&](std::string_view k, const YAML::Node& v, const std::string& p) {
      if (k == "operation") {
        return d.enumeration(v, p, {{"UPSERT", Op::kUpsert}, {"REMOVE", Op::kRemove}},
                             tag.operation);
      }
      if (k == "value") return d.str(v, p, tag.value);
      return false;
    });
  }
}

void decode_metrics(Decoder& d, const YAML::Node& node, const std::string& path, Metrics& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "providers") return decode_providers(d, v, p, out.providers);
    if (key == "overrides") {
      return d.list(v, p, out.overrides, [&](auto& n, auto& ip, MetricsOverrides& o) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& ov, const std::string& op) {
          if (k == "match") {
            decode_metric_selector(d, ov, op, o.match.emplace());
            return true;
          }
          if (k == "disabled") return d.boolean(ov, op, o.disabled);
          if (k == "tagOverrides") {
            decode_tag_overrides(d, ov, op, o.tag_overrides);
            return true;
          }
          return false;
        });
      });
    }
    if (key == "reportingInterval") return d.duration(v, p, out.reporting_interval);
    return false;
  });
}

void decode_access_logging(Decoder& d, const YAML::Node& node, const std::string& path,
                           AccessLogging& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "match") {
      decode_mode_selector(d, v, p, emplace_default(out.match));
      return true;
    }
    if (key == "providers") return decode_providers(d, v, p, out.providers);
    if (key == "disabled") return d.boolean(v, p, out.disabled);
    if (key == "filter") {
      auto& filter = out.filter.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& fv, const std::string& fp) {
        if (k == "expression") return d.str(fv, fp, filter.expression);
        return false;
      });
      return true;
    }
    return false;
  });
}

}  // namespace

void decode_telemetry(Decoder& d, const YAML::Node& spec, Telemetry& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (decode_policy_scope_field(d, key, v, p, out.scope)) return true;
    if (key == "tracing")
      return d.list(v, p, out.tracing,
                    [&](auto& n, auto& ip, auto& t) { decode_tracing(d, n, ip, t); });
    if (key == "metrics")
      return d.list(v, p, out.metrics,
                    [&](auto& n, auto& ip, auto& m) { decode_metrics(d, n, ip, m); });
    if (key == "accessLogging")
      return d.list(v, p, out.access_logging,
                    [&](auto& n, auto& ip, auto& a) { decode_access_logging(d, n, ip, a); });
    return false;
  });
}

}  // namespace jib::mesh::detail
