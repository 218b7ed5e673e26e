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
};

struct LoadBalancerSettings {
  enum class Simple { kUnspecified, kLeastRequest, kRandom, kPassthrough, kRoundRobin, kLeastConn };
  Simple simple = Simple::kUnspecified;
};

struct TrafficPolicy {
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ClientTLSSettings> tls;
};

struct Subset {
  std::string name;
  Labels labels;
  std::optional<TrafficPolicy> traffic_policy;
};

struct DestinationRule {
  ObjectMeta meta;
  std::string host;
  std::optional<TrafficPolicy> traffic_policy;
  std::vector<Subset> subsets;
  std::vector<std::string> export_to;
  std::optional<WorkloadSelector> workload_selector;
};

}  // namespace jib::mesh
