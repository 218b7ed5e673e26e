// telemetry.istio.io Telemetry (v1), as typed values. Parsed and validated; not yet translated.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/policy_target.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh {

struct TelemetryProviderRef {
  std::string name;  // an extensionProviders entry of MeshConfig
  bool operator==(const TelemetryProviderRef&) const = default;
};

enum class TelemetryWorkloadMode { kClientAndServer, kClient, kServer };

// Tracing.CustomTag's oneof.
struct TracingLiteral {
  std::string value;
  bool operator==(const TracingLiteral&) const = default;
};
struct TracingEnvironment {
  std::string name;
  std::string default_value;
  bool operator==(const TracingEnvironment&) const = default;
};
struct TracingRequestHeader {
  std::string name;
  std::string default_value;
  bool operator==(const TracingRequestHeader&) const = default;
};
using TracingCustomTag = std::variant<TracingLiteral, TracingEnvironment, TracingRequestHeader>;

struct Tracing {
  struct TracingSelector {
    TelemetryWorkloadMode mode = TelemetryWorkloadMode::kClientAndServer;
    bool operator==(const TracingSelector&) const = default;
  };
  std::optional<TracingSelector> match;
  std::vector<TelemetryProviderRef> providers;
  std::optional<double> random_sampling_percentage;
  std::optional<bool> disable_span_reporting;
  std::map<std::string, TracingCustomTag> custom_tags;
  std::optional<bool> use_request_id_for_trace_sampling;
  std::optional<bool> enable_istio_tags;
  bool operator==(const Tracing&) const = default;
};

struct MetricSelector {
  enum class IstioMetric {
    kAllMetrics,
    kRequestCount,
    kRequestDuration,
    kRequestSize,
    kResponseSize,
    kTcpOpenedConnections,
    kTcpClosedConnections,
    kTcpSentBytes,
    kTcpReceivedBytes,
    kGrpcRequestMessages,
    kGrpcResponseMessages,
  };
  struct CustomMetric {
    std::string name;
    bool operator==(const CustomMetric&) const = default;
  };
  // Istio's metric_match oneof; unset means every metric.
  std::optional<std::variant<IstioMetric, CustomMetric>> metric_match;
  TelemetryWorkloadMode mode = TelemetryWorkloadMode::kClientAndServer;
  bool operator==(const MetricSelector&) const = default;
};

struct MetricTagOverride {
  enum class Operation { kUpsert, kRemove };
  Operation operation = Operation::kUpsert;
  std::string value;  // a CEL expression; required for kUpsert, forbidden for kRemove
  bool operator==(const MetricTagOverride&) const = default;
};

struct MetricsOverrides {
  std::optional<MetricSelector> match;
  std::optional<bool> disabled;
  std::map<std::string, MetricTagOverride> tag_overrides;
  bool operator==(const MetricsOverrides&) const = default;
};

struct Metrics {
  std::vector<TelemetryProviderRef> providers;
  std::vector<MetricsOverrides> overrides;
  std::optional<Duration> reporting_interval;
  bool operator==(const Metrics&) const = default;
};

struct AccessLogging {
  struct LogSelector {
    TelemetryWorkloadMode mode = TelemetryWorkloadMode::kClientAndServer;
    bool operator==(const LogSelector&) const = default;
  };
  struct Filter {
    std::string expression;  // CEL
    bool operator==(const Filter&) const = default;
  };
  std::optional<LogSelector> match;
  std::vector<TelemetryProviderRef> providers;
  std::optional<bool> disabled;
  std::optional<Filter> filter;
  bool operator==(const AccessLogging&) const = default;
};

struct Telemetry {
  ObjectMeta meta;
  PolicyScope scope;
  std::vector<Tracing> tracing;
  std::vector<Metrics> metrics;
  std::vector<AccessLogging> access_logging;
  bool operator==(const Telemetry&) const = default;
};

}  // namespace jib::mesh
