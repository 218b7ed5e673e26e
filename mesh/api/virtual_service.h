// networking.istio.io VirtualService, as typed values.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

using Duration = std::chrono::nanoseconds;

// Istio's StringMatch oneof.
struct ExactMatch {
  std::string value;
  bool operator==(const ExactMatch&) const = default;
};
struct PrefixMatch {
  std::string value;
  bool operator==(const PrefixMatch&) const = default;
};
struct RegexMatch {
  std::string value;
  bool operator==(const RegexMatch&) const = default;
};
using StringMatch = std::variant<ExactMatch, PrefixMatch, RegexMatch>;

struct HTTPMatchRequest {
  std::string name;
  std::optional<StringMatch> uri;
  std::optional<StringMatch> scheme;
  std::optional<StringMatch> method;
  std::optional<StringMatch> authority;
  std::map<std::string, StringMatch> headers;
  std::map<std::string, StringMatch> query_params;
  std::map<std::string, StringMatch> without_headers;
  uint32_t port = 0;  // 0 when unset
  Labels source_labels;
  std::vector<std::string> gateways;
  bool ignore_uri_case = false;
  std::string source_namespace;
  std::string stat_prefix{};
  bool operator==(const HTTPMatchRequest&) const = default;
};

struct PortSelector {
  uint32_t number = 0;
  bool operator==(const PortSelector&) const = default;
};

struct Destination {
  std::string host;
  std::string subset;
  std::optional<PortSelector> port;
  bool operator==(const Destination&) const = default;
};

struct HeaderOperations {
  std::map<std::string, std::string> set;
  std::map<std::string, std::string> add;
  std::vector<std::string> remove;
  bool operator==(const HeaderOperations&) const = default;
};

struct Headers {
  HeaderOperations request;
  HeaderOperations response;
  bool operator==(const Headers&) const = default;
};

struct HTTPRouteDestination {
  Destination destination;
  int32_t weight = 0;  // 0 when unset
  std::optional<Headers> headers;
  bool operator==(const HTTPRouteDestination&) const = default;
};

struct HTTPRedirect {
  // Istio's redirect port oneof is port | derivePort. Both stay separate members (xds/ reads
  // port; derive_port is last for existing aggregate initializers) and validation rejects an
  // object that sets both.
  enum class DerivePort { kFromProtocolDefault, kFromRequestPort };
  std::string uri;
  std::string authority;
  uint32_t port = 0;
  std::string scheme;
  uint32_t redirect_code = 0;
  std::optional<DerivePort> derive_port{};
  bool operator==(const HTTPRedirect&) const = default;
};

struct HTTPRewrite {
  std::string uri;
  std::string authority;
  std::optional<std::string> uri_regex_match;
  std::optional<std::string> uri_regex_rewrite;
  bool operator==(const HTTPRewrite&) const = default;
};

struct HTTPRetry {
  int32_t attempts = 0;
  std::optional<Duration> per_try_timeout;
  std::string retry_on;
  std::optional<bool> retry_remote_localities;
  std::optional<bool> retry_ignore_previous_hosts{};
  std::optional<Duration> backoff{};
  bool operator==(const HTTPRetry&) const = default;
};

struct HTTPDirectResponse {
  uint32_t status = 0;
  // Istio's HTTPBody oneof (string | bytes): body holds the text either way (bytes decoded from
  // base64), and body_from_bytes says which one the source used.
  std::optional<std::string> body;
  bool body_from_bytes = false;
  bool operator==(const HTTPDirectResponse&) const = default;
};

// Istio's Percent: a fraction of requests, 0..100.
struct Percent {
  double value = 0;
  bool operator==(const Percent&) const = default;
};

struct FixedDelay {
  Duration value{};
  bool operator==(const FixedDelay&) const = default;
};
// Not in Istio's published docs and rejected by its validation; typed so that it is named.
struct ExponentialDelay {
  Duration value{};
  bool operator==(const ExponentialDelay&) const = default;
};

struct HTTPFaultDelay {
  std::optional<std::variant<FixedDelay, ExponentialDelay>> delay;
  std::optional<Percent> percentage;
  std::optional<int32_t> percent;  // deprecated integer form of percentage
  bool operator==(const HTTPFaultDelay&) const = default;
};

struct AbortHttpStatus {
  int32_t value = 0;
  bool operator==(const AbortHttpStatus&) const = default;
};
struct AbortGrpcStatus {
  std::string value;  // a gRPC status name, e.g. UNAVAILABLE
  bool operator==(const AbortGrpcStatus&) const = default;
};
// Hidden in Istio's docs and rejected by its validation, like ExponentialDelay.
struct AbortHttp2Error {
  std::string value;
  bool operator==(const AbortHttp2Error&) const = default;
};

struct HTTPFaultAbort {
  std::optional<std::variant<AbortHttpStatus, AbortGrpcStatus, AbortHttp2Error>> error;
  std::optional<Percent> percentage;
  bool operator==(const HTTPFaultAbort&) const = default;
};

struct HTTPFaultInjection {
  std::optional<HTTPFaultDelay> delay;
  std::optional<HTTPFaultAbort> abort;
  bool operator==(const HTTPFaultInjection&) const = default;
};

struct HTTPMirrorPolicy {
  Destination destination;
  std::optional<Percent> percentage;
  bool operator==(const HTTPMirrorPolicy&) const = default;
};

struct CorsPolicy {
  enum class UnmatchedPreflights { kUnspecified, kForward, kIgnore };
  std::vector<std::string> allow_origin;  // deprecated exact-match form of allow_origins
  std::vector<StringMatch> allow_origins;
  std::vector<std::string> allow_methods;
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  std::optional<Duration> max_age;
  std::optional<bool> allow_credentials;
  UnmatchedPreflights unmatched_preflights = UnmatchedPreflights::kUnspecified;
  bool operator==(const CorsPolicy&) const = default;
};

struct Delegate {
  std::string name;
  std::string ns;  // empty: the namespace of the delegating VirtualService
  bool operator==(const Delegate&) const = default;
};

struct HTTPRoute {
  std::string name;
  std::vector<HTTPMatchRequest> match;
  std::vector<HTTPRouteDestination> route;
  std::optional<HTTPRedirect> redirect;
  std::optional<HTTPDirectResponse> direct_response;
  std::optional<HTTPRewrite> rewrite;
  std::optional<Duration> timeout;
  std::optional<HTTPRetry> retries;
  std::optional<Headers> headers;
  std::optional<Delegate> delegate{};
  std::optional<HTTPFaultInjection> fault{};
  std::optional<Destination> mirror{};
  std::vector<HTTPMirrorPolicy> mirrors{};
  std::optional<Percent> mirror_percentage{};
  std::optional<uint32_t> mirror_percent{};  // deprecated (mirror_percent / mirrorPercent)
  std::optional<CorsPolicy> cors_policy{};
  bool operator==(const HTTPRoute&) const = default;
};

struct L4MatchAttributes {
  std::vector<std::string> destination_subnets;
  uint32_t port = 0;
  Labels source_labels;
  std::vector<std::string> gateways;
  std::string source_namespace;
  bool operator==(const L4MatchAttributes&) const = default;
};

struct RouteDestination {
  Destination destination;
  int32_t weight = 0;
  bool operator==(const RouteDestination&) const = default;
};

struct TLSMatchAttributes {
  std::vector<std::string> sni_hosts;
  std::vector<std::string> destination_subnets;
  uint32_t port = 0;
  Labels source_labels;
  std::vector<std::string> gateways;
  std::string source_namespace;
  bool operator==(const TLSMatchAttributes&) const = default;
};

struct TLSRoute {
  std::vector<TLSMatchAttributes> match;
  std::vector<RouteDestination> route;
  bool operator==(const TLSRoute&) const = default;
};

struct TCPRoute {
  std::vector<L4MatchAttributes> match;
  std::vector<RouteDestination> route;
  bool operator==(const TCPRoute&) const = default;
};

struct VirtualService {
  ObjectMeta meta;
  std::vector<std::string> hosts;
  std::vector<std::string> gateways;
  std::vector<HTTPRoute> http;
  std::vector<TCPRoute> tcp;
  std::vector<std::string> export_to;
  std::vector<TLSRoute> tls{};  // last, so that existing aggregate initializers keep their order
  bool operator==(const VirtualService&) const = default;
};

}  // namespace jib::mesh
