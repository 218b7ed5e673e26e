// networking.istio.io VirtualService, as typed values.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mesh/object_meta.h"

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
  std::string uri;
  std::string authority;
  uint32_t port = 0;
  std::string scheme;
  uint32_t redirect_code = 0;
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
  bool operator==(const HTTPRetry&) const = default;
};

struct HTTPDirectResponse {
  uint32_t status = 0;
  std::optional<std::string> body;
  bool operator==(const HTTPDirectResponse&) const = default;
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
  bool operator==(const VirtualService&) const = default;
};

}  // namespace jib::mesh
