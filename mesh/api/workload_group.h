// networking.istio.io WorkloadGroup, as typed values.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"

namespace jib::mesh {

struct ReadinessProbe {
  struct HttpHeader {
    std::string name;
    std::string value;
    bool operator==(const HttpHeader&) const = default;
  };
  struct HttpGet {
    std::string path;
    uint32_t port = 0;
    std::string host;
    std::string scheme;
    std::vector<HttpHeader> http_headers;
    bool operator==(const HttpGet&) const = default;
  };
  struct TcpSocket {
    std::string host;
    uint32_t port = 0;
    bool operator==(const TcpSocket&) const = default;
  };
  struct Exec {
    std::vector<std::string> command;
    bool operator==(const Exec&) const = default;
  };
  struct Grpc {
    uint32_t port = 0;
    std::string service;
    bool operator==(const Grpc&) const = default;
  };
  int32_t initial_delay_seconds = 0;
  int32_t timeout_seconds = 0;
  int32_t period_seconds = 0;
  int32_t success_threshold = 0;
  int32_t failure_threshold = 0;
  // The health check oneof; monostate when none was given (an error).
  std::variant<std::monostate, HttpGet, TcpSocket, Exec, Grpc> health_check;
  bool operator==(const ReadinessProbe&) const = default;
};

struct WorkloadGroup {
  struct ObjectMetadata {
    Labels labels;
    Labels annotations;
    bool operator==(const ObjectMetadata&) const = default;
  };
  ObjectMeta meta;
  ObjectMetadata metadata;      // spec.metadata: labels and annotations of generated entries
  WorkloadEntrySpec template_;  // spec.template
  std::optional<ReadinessProbe> probe;
  bool operator==(const WorkloadGroup&) const = default;
};

}  // namespace jib::mesh
