// Services and endpoints as generators see them, whichever kind they came from (ServiceEntry,
// WorkloadEntry, Kubernetes Service and EndpointSlice), and Istio's host names.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"

namespace jib::mesh {

// One endpoint of a service: an address, its ports by service port name, and its labels.
struct Endpoint {
  std::string address;
  std::map<std::string, uint32_t> ports;  // service port name -> workload port; empty: same port
  Labels labels;
  uint32_t weight = 0;
  std::string service_account;
  std::string network;
  std::string locality;
  // The port this endpoint listens on for the service port given.
  uint32_t port_for(const ServicePort& service_port) const;
};

// A service as generators see it: one host of a ServiceEntry (later also a Kubernetes Service).
struct Service {
  std::string hostname;
  std::string ns;
  std::vector<ServicePort> ports;
  ServiceEntry::Resolution resolution = ServiceEntry::Resolution::kNone;
  ServiceEntry::Location location = ServiceEntry::Location::kMeshExternal;
  std::vector<Endpoint> endpoints;
  std::vector<std::string> export_to;
  ConfigKey source;  // the object it came from
};

// Istio's reading of a host in a VirtualService or DestinationRule: a short name ("reviews")
// means the service of that name in the object's namespace, reviews.<ns>.svc.cluster.local.
// Names with a dot, and "*", are returned as they are.
std::string resolve_short_name(std::string_view host, std::string_view ns);

// Istio's host matching: equal, or the pattern starts with "*" and the host ends with the rest
// ("*.example.com" matches "a.b.example.com"; "*" matches everything).
bool host_matches(std::string_view pattern, std::string_view hostname);

}  // namespace jib::mesh
