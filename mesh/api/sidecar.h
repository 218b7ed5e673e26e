// networking.istio.io Sidecar, as typed values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mesh/api/destination_rule.h"
#include "mesh/api/gateway.h"
#include "mesh/api/object_meta.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

enum class CaptureMode { kDefault, kIptables, kNone };

struct IstioIngressListener {
  std::optional<ServicePort> port;
  std::string bind;
  CaptureMode capture_mode = CaptureMode::kDefault;
  std::string default_endpoint;
  std::optional<ServerTLSSettings> tls;
  std::optional<ConnectionPoolSettings> connection_pool;
  bool operator==(const IstioIngressListener&) const = default;
};

struct IstioEgressListener {
  std::optional<ServicePort> port;
  std::string bind;
  CaptureMode capture_mode = CaptureMode::kDefault;
  std::vector<std::string> hosts;  // "namespace/host"; namespace may be "*", "." or "~"
  bool operator==(const IstioEgressListener&) const = default;
};

struct OutboundTrafficPolicy {
  enum class Mode { kRegistryOnly, kAllowAny };
  Mode mode = Mode::kRegistryOnly;
  std::optional<Destination> egress_proxy;
  bool operator==(const OutboundTrafficPolicy&) const = default;
};

struct Sidecar {
  ObjectMeta meta;
  std::optional<WorkloadSelector> workload_selector;
  std::vector<IstioIngressListener> ingress;
  std::vector<IstioEgressListener> egress;
  std::optional<ConnectionPoolSettings> inbound_connection_pool;
  std::optional<OutboundTrafficPolicy> outbound_traffic_policy;
  bool operator==(const Sidecar&) const = default;
};

}  // namespace jib::mesh
