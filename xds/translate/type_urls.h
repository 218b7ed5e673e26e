// The xDS resource types jibd serves, by type URL and by the short name used in logs and metrics.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace jib::xds {

enum class ResourceType { kCluster, kEndpoint, kListener, kRoute, kSecret };

// Push order matters to Envoy: clusters before their endpoints, listeners before their routes.
// Secrets are asked for by name by the clusters and listeners that use them.
inline constexpr std::array<ResourceType, 5> kPushOrder = {
    ResourceType::kCluster, ResourceType::kEndpoint, ResourceType::kListener, ResourceType::kRoute,
    ResourceType::kSecret};

inline constexpr std::string_view kClusterType =
    "type.googleapis.com/envoy.config.cluster.v3.Cluster";
inline constexpr std::string_view kEndpointType =
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
inline constexpr std::string_view kListenerType =
    "type.googleapis.com/envoy.config.listener.v3.Listener";
inline constexpr std::string_view kRouteType =
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
inline constexpr std::string_view kSecretType =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

constexpr std::string_view type_url(ResourceType type) {
  switch (type) {
    case ResourceType::kCluster:
      return kClusterType;
    case ResourceType::kEndpoint:
      return kEndpointType;
    case ResourceType::kListener:
      return kListenerType;
    case ResourceType::kRoute:
      return kRouteType;
    case ResourceType::kSecret:
      return kSecretType;
  }
  return {};
}

// "cds", "eds", "lds", "rds", "sds": Istio's metric label values.
constexpr std::string_view short_name(ResourceType type) {
  switch (type) {
    case ResourceType::kCluster:
      return "cds";
    case ResourceType::kEndpoint:
      return "eds";
    case ResourceType::kListener:
      return "lds";
    case ResourceType::kRoute:
      return "rds";
    case ResourceType::kSecret:
      return "sds";
  }
  return {};
}

inline std::optional<ResourceType> type_from_url(std::string_view url) {
  for (ResourceType t : kPushOrder) {
    if (type_url(t) == url) return t;
  }
  return std::nullopt;
}

// Wildcard types: an empty subscription means "everything" (state of the world).
constexpr bool is_wildcard_type(ResourceType type) {
  return type == ResourceType::kCluster || type == ResourceType::kListener;
}

}  // namespace jib::xds
