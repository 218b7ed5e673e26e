#include "mesh/model/service.h"

namespace jib::mesh {
namespace {

// Istio's default cluster domain; not configurable yet.
constexpr std::string_view kClusterDomainSuffix = ".svc.cluster.local";

}  // namespace

std::string resolve_short_name(std::string_view host, std::string_view ns) {
  if (host == "*" || host.find('.') != std::string_view::npos) return std::string(host);
  return std::string(host) + "." + std::string(ns) + std::string(kClusterDomainSuffix);
}

bool host_matches(std::string_view pattern, std::string_view hostname) {
  if (pattern == hostname) return true;
  if (pattern.empty() || pattern.front() != '*') return false;
  std::string_view suffix = pattern.substr(1);
  return hostname.size() > suffix.size() && hostname.ends_with(suffix);
}

uint32_t Endpoint::port_for(const ServicePort& service_port) const {
  if (auto it = ports.find(service_port.name); it != ports.end()) return it->second;
  return service_port.target_port != 0 ? service_port.target_port : service_port.number;
}

}  // namespace jib::mesh
