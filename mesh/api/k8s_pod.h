// Kubernetes core/v1 Pod: what the mesh needs to know of a workload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mesh/api/k8s_service.h"
#include "mesh/api/object_meta.h"

namespace jib::mesh {

// The container that sidecar injection adds; its presence means the pod is in the mesh.
inline constexpr std::string_view kProxyContainerName = "istio-proxy";

struct ContainerPort {
  std::string name;
  uint32_t container_port = 0;
  K8sProtocol protocol = K8sProtocol::kTcp;
  bool operator==(const ContainerPort&) const = default;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
  bool operator==(const Container&) const = default;
};

struct PodCondition {
  std::string type;    // "Ready", "ContainersReady", ...
  std::string status;  // "True", "False", "Unknown"
  bool operator==(const PodCondition&) const = default;
};

struct Pod {
  enum class Phase { kUnknown, kPending, kRunning, kSucceeded, kFailed };

  ObjectMeta meta;
  // spec
  std::string service_account_name;  // empty means "default", as the API server fills it in
  std::string node_name;
  bool host_network = false;
  std::vector<Container> containers;
  // Native sidecars (restartPolicy: Always) put istio-proxy among the init containers.
  std::vector<Container> init_containers;
  // status
  Phase phase = Phase::kUnknown;
  std::string pod_ip;
  std::vector<std::string> pod_ips;
  std::string host_ip;
  std::vector<PodCondition> conditions;
  bool operator==(const Pod&) const = default;

  bool has_sidecar() const;
  // True when the Ready condition is "True".
  bool ready() const;
  // serviceAccountName, or "default" when unset.
  std::string service_account() const {
    return service_account_name.empty() ? "default" : service_account_name;
  }
};

inline bool Pod::has_sidecar() const {
  for (const auto* list : {&containers, &init_containers}) {
    for (const auto& c : *list) {
      if (c.name == kProxyContainerName) return true;
    }
  }
  return false;
}

inline bool Pod::ready() const {
  for (const auto& c : conditions) {
    if (c.type == "Ready") return c.status == "True";
  }
  return false;
}

}  // namespace jib::mesh
