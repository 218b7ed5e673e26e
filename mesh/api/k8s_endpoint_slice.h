// Kubernetes discovery.k8s.io/v1 EndpointSlice: the endpoints of a Service, as the mesh reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mesh/api/k8s_service.h"
#include "mesh/api/object_meta.h"

namespace jib::mesh {

// The label that ties a slice to its Service.
inline constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

struct ObjectReference {
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  bool operator==(const ObjectReference&) const = default;
};

// Absent conditions mean "unknown"; consumers treat an unknown ready as ready, as kube-proxy does.
struct EndpointConditions {
  std::optional<bool> ready;
  std::optional<bool> serving;
  std::optional<bool> terminating;
  bool operator==(const EndpointConditions&) const = default;
};

struct SliceEndpoint {
  std::vector<std::string> addresses;
  EndpointConditions conditions;
  std::string hostname;
  std::optional<ObjectReference> target_ref;
  std::string node_name;
  std::string zone;
  bool operator==(const SliceEndpoint&) const = default;
};

struct EndpointPort {
  std::string name;
  std::optional<uint32_t> port;  // unset: all ports
  K8sProtocol protocol = K8sProtocol::kTcp;
  std::string app_protocol;
  bool operator==(const EndpointPort&) const = default;
};

struct EndpointSlice {
  enum class AddressType { kIPv4, kIPv6, kFqdn };

  ObjectMeta meta;
  AddressType address_type = AddressType::kIPv4;
  std::vector<SliceEndpoint> endpoints;
  std::vector<EndpointPort> ports;
  bool operator==(const EndpointSlice&) const = default;

  // The Service this slice belongs to (its kubernetes.io/service-name label); empty if none.
  std::string service_name() const {
    auto it = meta.labels.find(std::string(kServiceNameLabel));
    return it == meta.labels.end() ? std::string() : it->second;
  }
};

}  // namespace jib::mesh
