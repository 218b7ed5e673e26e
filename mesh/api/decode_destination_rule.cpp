#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_tls(Decoder& d, const YAML::Node& node, const std::string& path,
                ClientTLSSettings& out) {
  using Mode = ClientTLSSettings::Mode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "mode") {
      return d.enumeration(v, p,
                           {{"DISABLE", Mode::kDisable},
                            {"SIMPLE", Mode::kSimple},
                            {"MUTUAL", Mode::kMutual},
                            {"ISTIO_MUTUAL", Mode::kIstioMutual}},
                           out.mode);
    }
    if (key == "clientCertificate") return d.str(v, p, out.client_certificate);
    if (key == "privateKey") return d.str(v, p, out.private_key);
    if (key == "caCertificates") return d.str(v, p, out.ca_certificates);
    if (key == "caCrl") return d.str(v, p, out.ca_crl);
    if (key == "credentialName") return d.str(v, p, out.credential_name);
    if (key == "subjectAltNames") return d.strings(v, p, out.subject_alt_names);
    if (key == "sni") return d.str(v, p, out.sni);
    if (key == "insecureSkipVerify") return d.boolean(v, p, out.insecure_skip_verify);
    return false;
  });
}

void decode_outlier_detection(Decoder& d, const YAML::Node& node, const std::string& path,
                              OutlierDetection& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "splitExternalLocalOriginErrors") {
      return d.boolean(v, p, out.split_external_local_origin_errors);
    }
    if (key == "consecutiveLocalOriginFailures") {
      return d.u32(v, p, out.consecutive_local_origin_failures);
    }
    if (key == "consecutiveGatewayErrors") return d.u32(v, p, out.consecutive_gateway_errors);
    if (key == "consecutive5xxErrors") return d.u32(v, p, out.consecutive_5xx_errors);
    if (key == "consecutiveErrors") return d.i32(v, p, out.consecutive_errors);
    if (key == "interval") return d.duration(v, p, out.interval);
    if (key == "baseEjectionTime") return d.duration(v, p, out.base_ejection_time);
    if (key == "maxEjectionPercent") return d.i32(v, p, out.max_ejection_percent);
    if (key == "minHealthPercent") return d.i32(v, p, out.min_health_percent);
    return false;
  });
}

void decode_locality_lb(Decoder& d, const YAML::Node& node, const std::string& path,
                        LocalityLoadBalancerSetting& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "distribute")
      return d.list(v, p, out.distribute, [&](auto& n, auto& ip, auto& dist) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& dv, const std::string& dp) {
          if (k == "from") return d.str(dv, dp, dist.from);
          if (k == "to") return d.u32_map(dv, dp, dist.to);
          return false;
        });
      });
    if (key == "failover")
      return d.list(v, p, out.failover, [&](auto& n, auto& ip, auto& f) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& fv, const std::string& fp) {
          if (k == "from") return d.str(fv, fp, f.from);
          if (k == "to") return d.str(fv, fp, f.to);
          return false;
        });
      });
    if (key == "failoverPriority") return d.strings(v, p, out.failover_priority);
    if (key == "enabled") return d.boolean(v, p, out.enabled);
    return false;
  });
}

void decode_consistent_hash(Decoder& d, const YAML::Node& node, const std::string& path,
                            ConsistentHashLB& out) {
  using CH = ConsistentHashLB;
  int keys = 0;
  int algorithms = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "httpHeaderName") {
      ++keys;
      return d.str(v, p, out.hash_key.emplace<CH::HeaderName>().value);
    }
    if (key == "httpQueryParameterName") {
      ++keys;
      return d.str(v, p, out.hash_key.emplace<CH::QueryParameterName>().value);
    }
    if (key == "useSourceIp") {
      bool use = false;
      d.boolean(v, p, use);
      if (use) ++keys, out.hash_key = CH::UseSourceIp{};
      return true;
    }
    if (key == "httpCookie") {
      ++keys;
      auto& cookie = out.hash_key.emplace<CH::HttpCookie>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& cv, const std::string& cp) {
        if (k == "name") return d.str(cv, cp, cookie.name);
        if (k == "path") return d.str(cv, cp, cookie.path);
        if (k == "ttl") return d.duration(cv, cp, cookie.ttl);
        return false;
      });
      return true;
    }
    if (key == "ringHash") {
      ++algorithms;
      auto& ring = out.hash_algorithm.emplace<CH::RingHash>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
        if (k == "minimumRingSize") return d.u64(rv, rp, ring.minimum_ring_size);
        return false;
      });
      return true;
    }
    if (key == "maglev") {
      ++algorithms;
      auto& maglev = out.hash_algorithm.emplace<CH::Maglev>();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
        if (k == "tableSize") return d.u64(mv, mp, maglev.table_size);
        return false;
      });
      return true;
    }
    if (key == "minimumRingSize") return d.u64(v, p, out.minimum_ring_size);
    return false;
  });
  if (keys > 1) {
    d.error(node, path,
            "only one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName");
  }
  if (algorithms > 1) d.error(node, path, "only one of ringHash or maglev");
}

void decode_load_balancer(Decoder& d, const YAML::Node& node, const std::string& path,
                          LoadBalancerSettings& out) {
  using Simple = LoadBalancerSettings::Simple;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "simple") {
      return d.enumeration(v, p,
                           {{"UNSPECIFIED", Simple::kUnspecified},
                            {"LEAST_REQUEST", Simple::kLeastRequest},
                            {"RANDOM", Simple::kRandom},
                            {"PASSTHROUGH", Simple::kPassthrough},
                            {"ROUND_ROBIN", Simple::kRoundRobin},
                            {"LEAST_CONN", Simple::kLeastConn}},
                           out.simple);
    }
    if (key == "consistentHash") {
      return decode_consistent_hash(d, v, p, out.consistent_hash.emplace()), true;
    }
    if (key == "localityLbSetting") {
      return decode_locality_lb(d, v, p, out.locality_lb_setting.emplace()), true;
    }
    if (key == "warmupDurationSecs") return d.duration(v, p, out.warmup_duration_secs);
    if (key == "warmup") {
      auto& warmup = out.warmup.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& wv, const std::string& wp) {
        if (k == "duration") return d.duration(wv, wp, warmup.duration);
        if (k == "minimumPercent") return d.f64(wv, wp, warmup.minimum_percent);
        if (k == "aggression") return d.f64(wv, wp, warmup.aggression);
        return false;
      });
      return true;
    }
    return false;
  });
  if (node.IsMap() && node["simple"].IsDefined() && node["consistentHash"].IsDefined()) {
    d.error(node, path, "only one of simple or consistentHash can be set");
  }
}

// Fields common to a traffic policy and a port-level one.
bool decode_policy_field(Decoder& d, std::string_view key, const YAML::Node& v,
                         const std::string& p, std::optional<LoadBalancerSettings>& lb,
                         std::optional<ConnectionPoolSettings>& pool,
                         std::optional<OutlierDetection>& outlier,
                         std::optional<ClientTLSSettings>& tls) {
  if (key == "loadBalancer") return decode_load_balancer(d, v, p, lb.emplace()), true;
  if (key == "connectionPool") return decode_connection_pool(d, v, p, pool.emplace()), true;
  if (key == "outlierDetection") return decode_outlier_detection(d, v, p, outlier.emplace()), true;
  if (key == "tls") return decode_tls(d, v, p, tls.emplace()), true;
  return false;
}

void decode_traffic_policy(Decoder& d, const YAML::Node& node, const std::string& path,
                           TrafficPolicy& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (decode_policy_field(d, key, v, p, out.load_balancer, out.connection_pool,
                            out.outlier_detection, out.tls)) {
      return true;
    }
    if (key == "portLevelSettings")
      return d.list(v, p, out.port_level_settings, [&](auto& n, auto& ip, auto& pl) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
          if (k == "port") return decode_port_selector(d, pv, pp, pl.port.emplace()), true;
          return decode_policy_field(d, k, pv, pp, pl.load_balancer, pl.connection_pool,
                                     pl.outlier_detection, pl.tls);
        });
      });
    if (key == "proxyProtocol") {
      auto& proxy = emplace_default(out.proxy_protocol);
      using Version = TrafficPolicy::ProxyProtocol::Version;
      d.fields(v, p, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
        if (k == "version") {
          return d.enumeration(pv, pp, {{"V1", Version::kV1}, {"V2", Version::kV2}}, proxy.version);
        }
        return false;
      });
      return true;
    }
    if (key == "tunnel") {
      auto& tunnel = emplace_default(out.tunnel);
      d.fields(v, p, [&](std::string_view k, const YAML::Node& tv, const std::string& tp) {
        if (k == "protocol") return d.str(tv, tp, tunnel.protocol);
        if (k == "targetHost") return d.str(tv, tp, tunnel.target_host);
        if (k == "targetPort") return d.u32(tv, tp, tunnel.target_port);
        return false;
      });
      return true;
    }
    return false;
  });
}

void decode_subset(Decoder& d, const YAML::Node& node, const std::string& path, Subset& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "labels") return d.string_map(v, p, out.labels);
    if (key == "trafficPolicy") {
      decode_traffic_policy(d, v, p, out.traffic_policy.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace

void decode_connection_pool(Decoder& d, const YAML::Node& node, const std::string& path,
                            ConnectionPoolSettings& out) {
  using H2 = ConnectionPoolSettings::Http::H2UpgradePolicy;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "tcp") {
      auto& tcp = emplace_default(out.tcp);
      d.fields(v, p, [&](std::string_view k, const YAML::Node& tv, const std::string& tp) {
        if (k == "maxConnections") return d.i32(tv, tp, tcp.max_connections);
        if (k == "connectTimeout") return d.duration(tv, tp, tcp.connect_timeout);
        if (k == "maxConnectionDuration") return d.duration(tv, tp, tcp.max_connection_duration);
        if (k == "idleTimeout") return d.duration(tv, tp, tcp.idle_timeout);
        if (k != "tcpKeepalive") return false;
        auto& ka = tcp.tcp_keepalive.emplace();
        d.fields(tv, tp, [&](std::string_view kk, const YAML::Node& kv, const std::string& kp) {
          if (kk == "probes") return d.u32(kv, kp, ka.probes);
          if (kk == "time") return d.duration(kv, kp, ka.time);
          if (kk == "interval") return d.duration(kv, kp, ka.interval);
          return false;
        });
        return true;
      });
      return true;
    }
    if (key == "http") {
      auto& http = emplace_default(out.http);
      d.fields(v, p, [&](std::string_view k, const YAML::Node& hv, const std::string& hp) {
        if (k == "http1MaxPendingRequests") return d.i32(hv, hp, http.http1_max_pending_requests);
        if (k == "http2MaxRequests") return d.i32(hv, hp, http.http2_max_requests);
        if (k == "maxRequestsPerConnection") {
          return d.i32(hv, hp, http.max_requests_per_connection);
        }
        if (k == "maxRetries") return d.i32(hv, hp, http.max_retries);
        if (k == "idleTimeout") return d.duration(hv, hp, http.idle_timeout);
        if (k == "h2UpgradePolicy") {
          return d.enumeration(hv, hp,
                               {{"DEFAULT", H2::kDefault},
                                {"DO_NOT_UPGRADE", H2::kDoNotUpgrade},
                                {"UPGRADE", H2::kUpgrade}},
                               http.h2_upgrade_policy);
        }
        if (k == "useClientProtocol") return d.boolean(hv, hp, http.use_client_protocol);
        if (k == "maxConcurrentStreams") return d.i32(hv, hp, http.max_concurrent_streams);
        return false;
      });
      return true;
    }
    return false;
  });
}

void decode_port_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                          PortSelector& out) {
  d.fields(node, path, [&](std::string_view k, const YAML::Node& v, const std::string& p) {
    if (k == "number") return d.u32(v, p, out.number);
    return false;
  });
}

void decode_destination_rule(Decoder& d, const YAML::Node& spec, DestinationRule& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "host") return d.str(v, p, out.host);
    if (key == "trafficPolicy") {
      decode_traffic_policy(d, v, p, out.traffic_policy.emplace());
      return true;
    }
    if (key == "subsets")
      return d.list(v, p, out.subsets,
                    [&](auto& n, auto& ip, auto& s) { decode_subset(d, n, ip, s); });
    if (key == "exportTo") return d.strings(v, p, out.export_to);
    if (key == "workloadSelector") {
      decode_workload_selector(d, v, p, "matchLabels", out.workload_selector.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
