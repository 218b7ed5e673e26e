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
};

struct PortSelector {
  uint32_t number = 0;
};

struct Destination {
  std::string host;
  std::string subset;
  std::optional<PortSelector> port;
};

struct HeaderOperations {
  std::map<std::string, std::string> set;
  std::map<std::string, std::string> add;
  std::vector<std::string> remove;
};

struct Headers {
  HeaderOperations request;
  HeaderOperations response;
};

struct HTTPRouteDestination {
  Destination destination;
  int32_t weight = 0;  // 0 when unset
  std::optional<Headers> headers;
};

struct HTTPRedirect {
  std::string uri;
  std::string authority;
  uint32_t port = 0;
  std::string scheme;
  uint32_t redirect_code = 0;
};

struct HTTPRewrite {
  std::string uri;
  std::string authority;
  std::optional<std::string> uri_regex_match;
  std::optional<std::string> uri_regex_rewrite;
};

struct HTTPRetry {
  int32_t attempts = 0;
  std::optional<Duration> per_try_timeout;
  std::string retry_on;
  std::optional<bool> retry_remote_localities;
};

struct HTTPDirectResponse {
  uint32_t status = 0;
  std::optional<std::string> body;
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
};

struct L4MatchAttributes {
  std::vector<std::string> destination_subnets;
  uint32_t port = 0;
  Labels source_labels;
  std::vector<std::string> gateways;
  std::string source_namespace;
};

struct RouteDestination {
  Destination destination;
  int32_t weight = 0;
};

struct TCPRoute {
  std::vector<L4MatchAttributes> match;
  std::vector<RouteDestination> route;
};

struct VirtualService {
  ObjectMeta meta;
  std::vector<std::string> hosts;
  std::vector<std::string> gateways;
  std::vector<HTTPRoute> http;
  std::vector<TCPRoute> tcp;
  std::vector<std::string> export_to;
};

}  // namespace jib::mesh
