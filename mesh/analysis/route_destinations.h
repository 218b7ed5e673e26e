// Every route destination of a VirtualService with its field path, for the analyzers that check
// where routes go.
#pragma once

#include <string>
#include <vector>

#include "mesh/api/virtual_service.h"

namespace jib::mesh::analysis {

struct RouteRef {
  const Destination* destination;
  std::string field;  // e.g. spec.http[0].route[1].destination
};

inline std::vector<RouteRef> route_destinations(const VirtualService& vs) {
  std::vector<RouteRef> out;
  for (size_t i = 0; i < vs.http.size(); ++i) {
    for (size_t j = 0; j < vs.http[i].route.size(); ++j) {
      out.push_back(
          {&vs.http[i].route[j].destination,
           "spec.http[" + std::to_string(i) + "].route[" + std::to_string(j) + "].destination"});
    }
  }
  for (size_t i = 0; i < vs.tcp.size(); ++i) {
    for (size_t j = 0; j < vs.tcp[i].route.size(); ++j) {
      out.push_back({&vs.tcp[i].route[j].destination, "spec.tcp[" + std::to_string(i) + "].route[" +
                                                          std::to_string(j) + "].destination"});
    }
  }
  return out;
}

}  // namespace jib::mesh::analysis
