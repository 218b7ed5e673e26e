// networking.istio.io DestinationRule, as typed values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

struct ClientTLSSettings {
  enum class Mode { kDisable, kSimple, kMutual, kIstioMutual };
  Mode mode = Mode::kDisable;
  std::string client_certificate;
  std::string private_key;
  std::string ca_certificates;
  std::string ca_crl;
  std::string credential_name;
  std::vector<std::string> subject_alt_names;
  std::string sni;
  std::optional<bool> insecure_skip_verify;
  bool operator==(const ClientTLSSettings&) const = default;
};

struct TcpKeepalive {
  uint32_t probes = 0;
  std::optional<Duration> time;
  std::optional<Duration> interval;
  bool operator==(const TcpKeepalive&) const = default;
};

struct ConnectionPoolSettings {
  struct Tcp {
    int32_t max_connections = 0;
    std::optional<Duration> connect_timeout;
    std::optional<TcpKeepalive> tcp_keepalive;
    std::optional<Duration> max_connection_duration;
    std::optional<Duration> idle_timeout;
    bool operator==(const Tcp&) const = default;
  };
  struct Http {
    enum class H2UpgradePolicy { kDefault, kDoNotUpgrade, kUpgrade };
    int32_t http1_max_pending_requests = 0;
    int32_t http2_max_requests = 0;
    int32_t max_requests_per_connection = 0;
    int32_t max_retries = 0;
    std::optional<Duration> idle_timeout;
    H2UpgradePolicy h2_upgrade_policy = H2UpgradePolicy::kDefault;
    std::optional<bool> use_client_protocol;
    int32_t max_concurrent_streams = 0;
    bool operator==(const Http&) const = default;
  };
  std::optional<Tcp> tcp;
  std::optional<Http> http;
  bool operator==(const ConnectionPoolSettings&) const = default;
};

struct OutlierDetection {
  std::optional<bool> split_external_local_origin_errors;
  std::optional<uint32_t> consecutive_local_origin_failures;
  std::optional<uint32_t> consecutive_gateway_errors;
  std::optional<uint32_t> consecutive_5xx_errors;
  int32_t consecutive_errors = 0;  // deprecated alias of consecutive5xxErrors
  std::optional<Duration> interval;
  std::optional<Duration> base_ejection_time;
  int32_t max_ejection_percent = 0;
  int32_t min_health_percent = 0;
  bool operator==(const OutlierDetection&) const = default;
};

struct LocalityLoadBalancerSetting {
  struct Distribute {
    std::string from;
    std::map<std::string, uint32_t> to;
    bool operator==(const Distribute&) const = default;
  };
  struct Failover {
    std::string from;
    std::string to;
    bool operator==(const Failover&) const = default;
  };
  std::vector<Distribute> distribute;
  std::vector<Failover> failover;
  std::vector<std::string> failover_priority;
  std::optional<bool> enabled;
  bool operator==(const LocalityLoadBalancerSetting&) const = default;
};

struct ConsistentHashLB {
  struct HttpCookie {
    std::string name;
    std::string path;
    std::optional<Duration> ttl;
    bool operator==(const HttpCookie&) const = default;
  };
  struct UseSourceIp {
    bool operator==(const UseSourceIp&) const = default;
  };
  struct HeaderName {
    std::string value;
    bool operator==(const HeaderName&) const = default;
  };
  struct QueryParameterName {
    std::string value;
    bool operator==(const QueryParameterName&) const = default;
  };
  struct RingHash {
    uint64_t minimum_ring_size = 0;
    bool operator==(const RingHash&) const = default;
  };
  struct Maglev {
    uint64_t table_size = 0;
    bool operator==(const Maglev&) const = default;
  };
  // The hash key oneof; monostate when none was given (an error).
  std::variant<std::monostate, HeaderName, HttpCookie, UseSourceIp, QueryParameterName> hash_key;
  // The hash algorithm oneof; minimumRingSize is the deprecated spelling of ringHash.
  std::variant<std::monostate, RingHash, Maglev> hash_algorithm;
  uint64_t minimum_ring_size = 0;
  bool operator==(const ConsistentHashLB&) const = default;
};

struct WarmupConfiguration {
  std::optional<Duration> duration;
  std::optional<double> minimum_percent;
  std::optional<double> aggression;
  bool operator==(const WarmupConfiguration&) const = default;
};

struct LoadBalancerSettings {
  enum class Simple { kUnspecified, kLeastRequest, kRandom, kPassthrough, kRoundRobin, kLeastConn };
  Simple simple = Simple::kUnspecified;
  std::optional<ConsistentHashLB> consistent_hash;  // the other side of the simple oneof
  std::optional<LocalityLoadBalancerSetting> locality_lb_setting;
  std::optional<Duration> warmup_duration_secs;
  std::optional<WarmupConfiguration> warmup;
  bool operator==(const LoadBalancerSettings&) const = default;
};

struct PortTrafficPolicy {
  std::optional<PortSelector> port;
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ConnectionPoolSettings> connection_pool;
  std::optional<OutlierDetection> outlier_detection;
  std::optional<ClientTLSSettings> tls;
  bool operator==(const PortTrafficPolicy&) const = default;
};

struct TrafficPolicy {
  struct ProxyProtocol {
    enum class Version { kV1, kV2 };
    Version version = Version::kV1;
    bool operator==(const ProxyProtocol&) const = default;
  };
  struct Tunnel {
    std::string protocol;  // CONNECT (default) or POST
    std::string target_host;
    uint32_t target_port = 0;
    bool operator==(const Tunnel&) const = default;
  };
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ClientTLSSettings> tls;
  std::optional<ConnectionPoolSettings> connection_pool;
  std::optional<OutlierDetection> outlier_detection;
  std::vector<PortTrafficPolicy> port_level_settings;
  std::optional<ProxyProtocol> proxy_protocol;
  std::optional<Tunnel> tunnel;
  bool operator==(const TrafficPolicy&) const = default;
};

struct Subset {
  std::string name;
  Labels labels;
  std::optional<TrafficPolicy> traffic_policy;
  bool operator==(const Subset&) const = default;
};

struct DestinationRule {
  ObjectMeta meta;
  std::string host;
  std::optional<TrafficPolicy> traffic_policy;
  std::vector<Subset> subsets;
  std::vector<std::string> export_to;
  std::optional<WorkloadSelector> workload_selector;
  bool operator==(const DestinationRule&) const = default;
};

}  // namespace jib::mesh
