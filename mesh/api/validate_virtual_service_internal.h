// Internal to VirtualService validation: the checks shared by its HTTP, TLS and TCP routes
// (validate_virtual_service.cpp) and the HTTP route validator (validate_http_route.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "mesh/api/validate_kinds.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh::detail {

inline std::string at(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void validate_string_match(const StringMatch& match, const std::string& path, Reporter& report);
void validate_destination(const Destination& d, const std::string& path, Reporter& report);
// Istio's Percent: 0..100.
void validate_percent(const Percent& percent, const std::string& path, Reporter& report);
void validate_http_route(const HTTPRoute& r, const std::string& path, Reporter& report);

// Shared by HTTP, TLS and TCP routes: each weight in 0..100, and with more than one destination
// the weights must add up to exactly 100 (Istio's rule).
template <typename RouteDestinations>
void validate_weights(const RouteDestinations& route, const std::string& path, Reporter& report) {
  int64_t total = 0;
  for (size_t i = 0; i < route.size(); ++i) {
    int32_t w = route[i].weight;
    if (w < 0 || w > 100) {
      report(at(path, i) + ".weight", "weight " + std::to_string(w) + " must be between 0 and 100");
    }
    total += w;
  }
  if (route.size() > 1 && total != 100) {
    report(path, "weights sum to " + std::to_string(total) + ", must be 100");
  }
}

}  // namespace jib::mesh::detail
