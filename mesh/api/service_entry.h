// networking.istio.io ServiceEntry, as typed values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

struct ServicePort {
  uint32_t number = 0;
  std::string protocol;  // upper case: HTTP, HTTP2, GRPC, TCP, TLS, HTTPS, MONGO, ...
  std::string name;
  uint32_t target_port = 0;  // 0 when unset
  bool operator==(const ServicePort&) const = default;
};

// One workload address; also the spec of a WorkloadEntry.
struct WorkloadEntrySpec {
  std::string address;
  std::map<std::string, uint32_t> ports;  // service port name -> workload port
  Labels labels;
  std::string network;
  std::string locality;
  uint32_t weight = 0;  // 0 when unset
  std::string service_account;
  bool operator==(const WorkloadEntrySpec&) const = default;
};

struct WorkloadSelector {
  Labels match_labels;
  bool operator==(const WorkloadSelector&) const = default;
};

struct ServiceEntry {
  enum class Location { kMeshExternal, kMeshInternal };
  enum class Resolution { kNone, kStatic, kDns, kDnsRoundRobin };

  ObjectMeta meta;
  std::vector<std::string> hosts;
  std::vector<std::string> addresses;
  std::vector<ServicePort> ports;
  Location location = Location::kMeshExternal;
  Resolution resolution = Resolution::kNone;
  std::vector<WorkloadEntrySpec> endpoints;
  std::optional<WorkloadSelector> workload_selector;
  std::vector<std::string> export_to;
  std::vector<std::string> subject_alt_names;
  bool operator==(const ServiceEntry&) const = default;
};

}  // namespace jib::mesh
