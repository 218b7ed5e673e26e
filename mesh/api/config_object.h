// One config object of any kind Jib reads, and its identity. The store and the model hold these;
// parsing and validation (kind_registry.h) produce them.
#pragma once

#include <array>
#include <string_view>
#include <variant>

#include "mesh/api/destination_rule.h"
#include "mesh/api/gateway.h"
#include "mesh/api/k8s_config_map.h"
#include "mesh/api/k8s_endpoint_slice.h"
#include "mesh/api/k8s_namespace.h"
#include "mesh/api/k8s_pod.h"
#include "mesh/api/k8s_secret.h"
#include "mesh/api/k8s_service.h"
#include "mesh/api/k8s_service_account.h"
#include "mesh/api/object_meta.h"
#include "mesh/api/policy_kinds.h"
#include "mesh/api/service_entry.h"
#include "mesh/api/sidecar.h"
#include "mesh/api/virtual_service.h"
#include "mesh/api/workload_entry.h"
#include "mesh/api/workload_group.h"

namespace jib::mesh {

// Every kind Jib reads. A new kind is an alternative here, its name in kConfigObjectKinds and
// its entry in kind_registry.cpp (which checks that the two names agree).
using ConfigObject = std::variant<
    ServiceEntry, VirtualService, DestinationRule, Gateway, WorkloadEntry, WorkloadGroup, Sidecar,
    // Kubernetes core kinds that the mesh reads.
    K8sService, EndpointSlice, Pod, ServiceAccount, Namespace, Secret, ConfigMap,
    // Security, extension and telemetry kinds.
    PeerAuthentication, RequestAuthentication, AuthorizationPolicy, WasmPlugin, Telemetry>;

// The kind name of each alternative, in variant order, as Istio and Kubernetes name it.
inline constexpr std::array<std::string_view, std::variant_size_v<ConfigObject>>
    kConfigObjectKinds = {"ServiceEntry",
                          "VirtualService",
                          "DestinationRule",
                          "Gateway",
                          "WorkloadEntry",
                          "WorkloadGroup",
                          "Sidecar",
                          "Service",
                          "EndpointSlice",
                          "Pod",
                          "ServiceAccount",
                          "Namespace",
                          "Secret",
                          "ConfigMap",
                          "PeerAuthentication",
                          "RequestAuthentication",
                          "AuthorizationPolicy",
                          "WasmPlugin",
                          "Telemetry"};

inline std::string_view kind_name(const ConfigObject& object) {
  return kConfigObjectKinds[object.index()];
}

inline const ObjectMeta& meta_of(const ConfigObject& object) {
  return std::visit([](const auto& o) -> const ObjectMeta& { return o.meta; }, object);
}

inline ConfigKey key_of(const ConfigObject& object) {
  const ObjectMeta& meta = meta_of(object);
  return ConfigKey{std::string(kind_name(object)), meta.ns, meta.name};
}

}  // namespace jib::mesh
