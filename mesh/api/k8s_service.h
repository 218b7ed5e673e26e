// Kubernetes core/v1 Service: the fields the mesh reads to build services.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

// Kubernetes IntOrString, as targetPort uses it: a number or a container port's name.
using IntOrString = std::variant<uint32_t, std::string>;

enum class K8sProtocol { kTcp, kUdp, kSctp };

struct K8sServicePort {
  std::string name;
  uint32_t port = 0;
  IntOrString target_port = uint32_t{0};  // 0 when unset: the API server defaults it to port
  K8sProtocol protocol = K8sProtocol::kTcp;
  std::string app_protocol;  // e.g. "http", "kubernetes.io/h2c"; empty when unset
  uint32_t node_port = 0;
  bool operator==(const K8sServicePort&) const = default;
};

struct K8sService {
  enum class Type { kClusterIP, kNodePort, kLoadBalancer, kExternalName };

  ObjectMeta meta;
  std::vector<K8sServicePort> ports;
  Labels selector;
  std::string cluster_ip;                // "None" for a headless service
  std::vector<std::string> cluster_ips;  // dual stack: the first equals cluster_ip
  Type type = Type::kClusterIP;
  std::string external_name;
  bool publish_not_ready_addresses = false;
  bool operator==(const K8sService&) const = default;

  bool headless() const { return cluster_ip == "None"; }
};

}  // namespace jib::mesh
