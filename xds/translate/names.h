// Names of clusters, listeners and routes, built in one place and in Istio's forms, so that
// users' tools (istioctl-style filters, dashboards) keep working.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jib::xds::names {

inline constexpr std::string_view kBlackHoleCluster = "BlackHoleCluster";
inline constexpr std::string_view kPassthroughCluster = "PassthroughCluster";
inline constexpr std::string_view kInboundPassthroughCluster = "InboundPassthroughCluster";
inline constexpr std::string_view kVirtualInbound = "virtualInbound";
inline constexpr uint32_t kVirtualInboundPort = 15006;
// Source address of a captured sidecar's inbound connections to its app, which iptables
// leaves alone (Istio's choice).
inline constexpr std::string_view kInboundSourceAddress = "127.0.0.6";

enum class Direction { kOutbound, kInbound };

struct ClusterName {
  Direction direction = Direction::kOutbound;
  uint32_t port = 0;
  std::string subset;
  std::string host;
};

// "outbound|<port>|<subset>|<host>".
std::string outbound_cluster(uint32_t port, std::string_view subset, std::string_view host);
// "inbound|<port>||": a sidecar's cluster to its own app on that port.
std::string inbound_cluster(uint32_t port);
// Istio's SNI for in-mesh TLS to a cluster: "outbound_.<port>_.<subset>_.<host>".
std::string outbound_sni(uint32_t port, std::string_view subset, std::string_view host);
// Parses either direction; nullopt for names of another shape (BlackHoleCluster, ...).
std::optional<ClusterName> parse_cluster(std::string_view name);

// Listener bound to an address and port: "<address>_<port>", e.g. "127.0.0.1_8080".
std::string listener(std::string_view address, uint32_t port);
// Outbound HTTP routes are shared by every service on a port and named by the port: "8080".
std::string outbound_route(uint32_t port);
// A virtual host of an outbound route: "<host>:<port>".
std::string virtual_host(std::string_view host, uint32_t port);

}  // namespace jib::xds::names
