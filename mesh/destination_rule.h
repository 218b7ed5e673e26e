// networking.istio.io DestinationRule, as typed values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mesh/object_meta.h"
#include "mesh/service_entry.h"

namespace jib::mesh {

struct ClientTLSSettings {
  enum class Mode { kDisable, kSimple, kMutual, kIstioMutual };
  Mode mode = Mode::kDisable;
  std::string client_certificate;
  std::string private_key;
  std::string ca_certificates;
  std::string credential_name;
  std::vector<std::string> subject_alt_names;
  std::string sni;
  std::optional<bool> insecure_skip_verify;
  bool operator==(const ClientTLSSettings&) const = default;
};

struct LoadBalancerSettings {
  enum class Simple { kUnspecified, kLeastRequest, kRandom, kPassthrough, kRoundRobin, kLeastConn };
  Simple simple = Simple::kUnspecified;
  bool operator==(const LoadBalancerSettings&) const = default;
};

struct TrafficPolicy {
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ClientTLSSettings> tls;
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
