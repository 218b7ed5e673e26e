#include <set>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void validate_tls(const ClientTLSSettings& tls, const std::string& path, Reporter& report) {
  using Mode = ClientTLSSettings::Mode;
  if (tls.mode == Mode::kMutual && tls.credential_name.empty()) {
    if (tls.client_certificate.empty()) {
      report(path + ".clientCertificate", "required when mode is MUTUAL without credentialName");
    }
    if (tls.private_key.empty()) {
      report(path + ".privateKey", "required when mode is MUTUAL without credentialName");
    }
  }
  // Istio supplies the certificates itself for ISTIO_MUTUAL; user-given ones would be ignored.
  if (tls.mode == Mode::kIstioMutual) {
    auto forbid = [&](const std::string& value, const char* field) {
      if (!value.empty()) report(path + "." + field, "cannot be set when mode is ISTIO_MUTUAL");
    };
    forbid(tls.client_certificate, "clientCertificate");
    forbid(tls.private_key, "privateKey");
    forbid(tls.ca_certificates, "caCertificates");
    forbid(tls.credential_name, "credentialName");
    forbid(tls.ca_crl, "caCrl");
  }
}

void non_negative(int32_t value, const std::string& field, Reporter& report) {
  if (value < 0) report(field, "must be non-negative, got " + std::to_string(value));
}

void percent(int32_t value, const std::string& field, Reporter& report) {
  if (value < 0 || value > 100) {
    report(field, "must be between 0 and 100, got " + std::to_string(value));
  }
}

void optional_duration(const std::optional<Duration>& d, const std::string& field,
                       Reporter& report) {
  if (d) validate_duration(*d, field, report);
}

void validate_outlier_detection(const OutlierDetection& o, const std::string& path,
                                Reporter& report) {
  non_negative(o.consecutive_errors, path + ".consecutiveErrors", report);
  optional_duration(o.interval, path + ".interval", report);
  optional_duration(o.base_ejection_time, path + ".baseEjectionTime", report);
  percent(o.max_ejection_percent, path + ".maxEjectionPercent", report);
  percent(o.min_health_percent, path + ".minHealthPercent", report);
  if (o.consecutive_local_origin_failures &&
      !o.split_external_local_origin_errors.value_or(false)) {
    report(path + ".consecutiveLocalOriginFailures",
           "requires splitExternalLocalOriginErrors to be true");
  }
}

// "region", "region/zone" or "region/zone/subzone"; "*" only as the whole last part.
std::string check_locality(const std::string& locality) {
  if (locality.empty()) return "locality must not be empty";
  size_t parts = 1;
  size_t start = 0;
  while (true) {
    size_t slash = locality.find('/', start);
    std::string part = locality.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part.empty()) return "locality \"" + locality + "\" has an empty part";
    if (part.find('*') != std::string::npos && (part != "*" || slash != std::string::npos)) {
      return "locality \"" + locality + "\": '*' is only allowed as the whole last part";
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
    if (++parts > 3) return "locality \"" + locality + "\" has more than region/zone/subzone";
  }
  return "";
}

void validate_locality_lb(const LocalityLoadBalancerSetting& l, const std::string& path,
                          Reporter& report) {
  if (!l.distribute.empty() && !l.failover.empty()) {
    report(path, "distribute and failover cannot both be set");
  }
  for (size_t i = 0; i < l.distribute.size(); ++i) {
    const auto& dist = l.distribute[i];
    const std::string dp = at(path + ".distribute", i);
    if (auto reason = check_locality(dist.from); !reason.empty()) report(dp + ".from", reason);
    uint64_t total = 0;
    for (const auto& [to, weight] : dist.to) {
      if (auto reason = check_locality(to); !reason.empty()) report(dp + ".to." + to, reason);
      total += weight;
    }
    if (total != 100)
      report(dp + ".to", "weights sum to " + std::to_string(total) + ", must be 100");
  }
  for (size_t i = 0; i < l.failover.size(); ++i) {
    const auto& f = l.failover[i];
    const std::string fp = at(path + ".failover", i);
    // Failover is between regions.
    if (f.from.empty() || f.from.find('/') != std::string::npos) {
      report(fp + ".from", "must be a region");
    }
    if (f.to.empty() || f.to.find('/') != std::string::npos) report(fp + ".to", "must be a region");
    if (!f.from.empty() && f.from == f.to) report(fp, "from and to must differ");
  }
}

void validate_load_balancer(const LoadBalancerSettings& lb, const std::string& path,
                            Reporter& report) {
  using CH = ConsistentHashLB;
  if (lb.consistent_hash) {
    const auto& ch = *lb.consistent_hash;
    const std::string cp = path + ".consistentHash";
    if (std::holds_alternative<std::monostate>(ch.hash_key)) {
      report(cp,
             "one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName is "
             "required");
    } else if (const auto* h = std::get_if<CH::HeaderName>(&ch.hash_key)) {
      if (auto reason = check_header_name(h->value); !reason.empty()) {
        report(cp + ".httpHeaderName", reason);
      }
    } else if (const auto* c = std::get_if<CH::HttpCookie>(&ch.hash_key)) {
      if (c->name.empty()) report(cp + ".httpCookie.name", "required");
    } else if (const auto* q = std::get_if<CH::QueryParameterName>(&ch.hash_key)) {
      if (q->value.empty()) report(cp + ".httpQueryParameterName", "must not be empty");
    }
    if (ch.minimum_ring_size != 0 && !std::holds_alternative<std::monostate>(ch.hash_algorithm)) {
      report(cp + ".minimumRingSize", "cannot be set together with ringHash or maglev");
    }
  }
  if (lb.locality_lb_setting) {
    validate_locality_lb(*lb.locality_lb_setting, path + ".localityLbSetting", report);
  }
  optional_duration(lb.warmup_duration_secs, path + ".warmupDurationSecs", report);
  if (lb.warmup) {
    const std::string wp = path + ".warmup";
    if (!lb.warmup->duration) {
      report(wp + ".duration", "required");
    } else {
      validate_duration(*lb.warmup->duration, wp + ".duration", report);
    }
    if (lb.warmup->minimum_percent &&
        (*lb.warmup->minimum_percent < 0 || *lb.warmup->minimum_percent > 100)) {
      report(wp + ".minimumPercent", "must be between 0 and 100");
    }
    if (lb.warmup->aggression && *lb.warmup->aggression < 1) {
      report(wp + ".aggression", "must be at least 1");
    }
    if (lb.warmup_duration_secs) report(wp, "warmup and warmupDurationSecs cannot both be set");
  }
}

void validate_connection_pool_fields(const ConnectionPoolSettings& pool, const std::string& path,
                                     Reporter& report) {
  if (!pool.tcp && !pool.http) report(path, "one of tcp or http is required");
  if (pool.tcp) {
    const auto& tcp = *pool.tcp;
    const std::string tp = path + ".tcp";
    non_negative(tcp.max_connections, tp + ".maxConnections", report);
    optional_duration(tcp.connect_timeout, tp + ".connectTimeout", report);
    optional_duration(tcp.max_connection_duration, tp + ".maxConnectionDuration", report);
    optional_duration(tcp.idle_timeout, tp + ".idleTimeout", report);
    if (tcp.tcp_keepalive) {
      optional_duration(tcp.tcp_keepalive->time, tp + ".tcpKeepalive.time", report);
      optional_duration(tcp.tcp_keepalive->interval, tp + ".tcpKeepalive.interval", report);
    }
  }
  if (pool.http) {
    const auto& http = *pool.http;
    const std::string hp = path + ".http";
    non_negative(http.http1_max_pending_requests, hp + ".http1MaxPendingRequests", report);
    non_negative(http.http2_max_requests, hp + ".http2MaxRequests", report);
    non_negative(http.max_requests_per_connection, hp + ".maxRequestsPerConnection", report);
    non_negative(http.max_retries, hp + ".maxRetries", report);
    non_negative(http.max_concurrent_streams, hp + ".maxConcurrentStreams", report);
    optional_duration(http.idle_timeout, hp + ".idleTimeout", report);
  }
}

void validate_policy_parts(const std::optional<LoadBalancerSettings>& lb,
                           const std::optional<ConnectionPoolSettings>& pool,
                           const std::optional<OutlierDetection>& outlier,
                           const std::optional<ClientTLSSettings>& tls, const std::string& path,
                           Reporter& report) {
  if (lb) validate_load_balancer(*lb, path + ".loadBalancer", report);
  if (pool) validate_connection_pool_fields(*pool, path + ".connectionPool", report);
  if (outlier) validate_outlier_detection(*outlier, path + ".outlierDetection", report);
  if (tls) validate_tls(*tls, path + ".tls", report);
}

void validate_traffic_policy(const TrafficPolicy& policy, const std::string& path,
                             Reporter& report) {
  validate_policy_parts(policy.load_balancer, policy.connection_pool, policy.outlier_detection,
                        policy.tls, path, report);
  std::set<uint32_t> ports;
  for (size_t i = 0; i < policy.port_level_settings.size(); ++i) {
    const auto& pl = policy.port_level_settings[i];
    const std::string pp = at(path + ".portLevelSettings", i);
    if (!pl.port) {
      report(pp + ".port", "required");
    } else {
      validate_port_number(pl.port->number, pp + ".port.number", report);
      if (!ports.insert(pl.port->number).second) {
        report(pp + ".port.number", "duplicate port " + std::to_string(pl.port->number));
      }
    }
    validate_policy_parts(pl.load_balancer, pl.connection_pool, pl.outlier_detection, pl.tls, pp,
                          report);
  }
  if (policy.tunnel) {
    const auto& t = *policy.tunnel;
    const std::string tp = path + ".tunnel";
    if (!t.protocol.empty() && t.protocol != "CONNECT" && t.protocol != "POST") {
      report(tp + ".protocol", "must be CONNECT or POST, got \"" + t.protocol + "\"");
    }
    if (t.target_host.empty()) {
      report(tp + ".targetHost", "required");
    } else if (!is_ip_address(t.target_host)) {
      if (auto reason = check_wildcard_host(t.target_host);
          !reason.empty() || t.target_host.find('*') != std::string::npos) {
        report(tp + ".targetHost", reason.empty() ? "wildcard not allowed" : reason);
      }
    }
    validate_port_number(t.target_port, tp + ".targetPort", report);
  }
}

}  // namespace

void validate_connection_pool(const ConnectionPoolSettings& pool, const std::string& path,
                              Reporter& report) {
  validate_connection_pool_fields(pool, path, report);
}

void validate_destination_rule(const DestinationRule& dr, Reporter& report) {
  if (dr.host.empty()) {
    report("spec.host", "required");
  } else if (auto reason = check_wildcard_host(dr.host); !reason.empty()) {
    report("spec.host", reason);
  }
  if (dr.traffic_policy) validate_traffic_policy(*dr.traffic_policy, "spec.trafficPolicy", report);
  std::set<std::string> names;
  for (size_t i = 0; i < dr.subsets.size(); ++i) {
    const auto& subset = dr.subsets[i];
    const std::string path = at("spec.subsets", i);
    if (subset.name.empty()) {
      report(path + ".name", "required");
    } else if (auto reason = check_dns1123_label(subset.name); !reason.empty()) {
      report(path + ".name", "invalid subset name \"" + subset.name + "\": " + reason);
    } else if (!names.insert(subset.name).second) {
      report(path + ".name", "duplicate subset name \"" + subset.name + "\"");
    }
    if (subset.labels.empty()) report(path + ".labels", "at least one label is required");
    if (subset.traffic_policy) {
      validate_traffic_policy(*subset.traffic_policy, path + ".trafficPolicy", report);
    }
  }
  validate_export_to(dr.export_to, report);
  if (dr.workload_selector && dr.workload_selector->match_labels.empty()) {
    report("spec.workloadSelector.matchLabels", "at least one label is required");
  }
}

}  // namespace jib::mesh::detail
