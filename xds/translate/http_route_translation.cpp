#include "xds/translate/http_route_translation.h"

#include <google/protobuf/util/time_util.h>

#include "xds/translate/names.h"

namespace jib::xds {
namespace {

namespace route = envoy::config::route::v3;
using google::protobuf::util::TimeUtil;

// Istio's default retry policy for mesh routes without `retries`.
constexpr int kDefaultRetries = 2;
constexpr const char* kDefaultRetryOn =
    "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

google::protobuf::Duration to_proto(mesh::Duration d) {
  return TimeUtil::NanosecondsToDuration(d.count());
}

void set_string_match(const mesh::StringMatch& match,
                      envoy::type::matcher::v3::StringMatcher* out) {
  std::visit(
      [out](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, mesh::ExactMatch>) {
          out->set_exact(m.value);
        } else if constexpr (std::is_same_v<T, mesh::PrefixMatch>) {
          out->set_prefix(m.value);
        } else {
          out->mutable_safe_regex()->set_regex(m.value);
        }
      },
      match);
}

void add_header_match(const std::string& name, const mesh::StringMatch& match, bool invert,
                      route::RouteMatch* out) {
  auto* header = out->add_headers();
  header->set_name(name);
  header->set_invert_match(invert);
  set_string_match(match, header->mutable_string_match());
}

void set_path_match(const mesh::HTTPMatchRequest& match, route::RouteMatch* out) {
  if (!match.uri) {
    out->set_prefix("/");
    return;
  }
  std::visit(
      [out](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, mesh::ExactMatch>) {
          out->set_path(m.value);
        } else if constexpr (std::is_same_v<T, mesh::PrefixMatch>) {
          out->set_prefix(m.value);
        } else {
          out->mutable_safe_regex()->set_regex(m.value);
        }
      },
      *match.uri);
  if (match.ignore_uri_case) out->mutable_case_sensitive()->set_value(false);
}

route::RouteMatch translate_match(const mesh::HTTPMatchRequest& match) {
  route::RouteMatch out;
  set_path_match(match, &out);
  if (match.method) add_header_match(":method", *match.method, false, &out);
  if (match.authority) add_header_match(":authority", *match.authority, false, &out);
  if (match.scheme) add_header_match(":scheme", *match.scheme, false, &out);
  for (const auto& [name, m] : match.headers) add_header_match(name, m, false, &out);
  for (const auto& [name, m] : match.without_headers) add_header_match(name, m, true, &out);
  for (const auto& [name, m] : match.query_params) {
    auto* param = out.add_query_parameters();
    param->set_name(name);
    set_string_match(m, param->mutable_string_match());
  }
  return out;
}

// Whether a match clause applies to this proxy and listener port (Istio drops the rest).
bool applies(const RouteContext& context, const mesh::HTTPMatchRequest& match) {
  if (match.port != 0 && match.port != context.port) return false;
  if (!mesh::labels_match(match.source_labels, context.proxy.labels)) return false;
  if (!match.source_namespace.empty() && match.source_namespace != context.proxy.ns) return false;
  if (!match.gateways.empty()) {
    bool mesh_gateway = false;
    for (const auto& g : match.gateways) mesh_gateway |= g == "mesh";
    if (!mesh_gateway) return false;
  }
  return true;
}

// The cluster a destination resolves to, from this listener port.
std::string cluster_for(const RouteContext& context, const mesh::Destination& destination) {
  uint32_t port = context.port;
  if (destination.port) {
    port = destination.port->number;
  } else if (const mesh::Service* service = context.view.service(destination.host);
             service && service->ports.size() == 1) {
    port = service->ports.front().number;
  }
  return names::outbound_cluster(port, destination.subset, destination.host);
}

void add_header_ops(
    const mesh::HeaderOperations& ops,
    google::protobuf::RepeatedPtrField<envoy::config::core::v3::HeaderValueOption>* add,
    google::protobuf::RepeatedPtrField<std::string>* remove) {
  using Option = envoy::config::core::v3::HeaderValueOption;
  auto put = [add](const std::string& key, const std::string& value,
                   Option::HeaderAppendAction action) {
    auto* option = add->Add();
    option->mutable_header()->set_key(key);
    option->mutable_header()->set_value(value);
    option->set_append_action(action);
  };
  for (const auto& [k, v] : ops.set) put(k, v, Option::OVERWRITE_IF_EXISTS_OR_ADD);
  for (const auto& [k, v] : ops.add) put(k, v, Option::APPEND_IF_EXISTS_OR_ADD);
  for (const auto& name : ops.remove) *remove->Add() = name;
}

template <typename Target>
void apply_headers(const mesh::Headers& headers, Target* target) {
  add_header_ops(headers.request, target->mutable_request_headers_to_add(),
                 target->mutable_request_headers_to_remove());
  add_header_ops(headers.response, target->mutable_response_headers_to_add(),
                 target->mutable_response_headers_to_remove());
}

route::RedirectAction::RedirectResponseCode redirect_code(uint32_t code) {
  switch (code) {
    case 302:
      return route::RedirectAction::FOUND;
    case 303:
      return route::RedirectAction::SEE_OTHER;
    case 307:
      return route::RedirectAction::TEMPORARY_REDIRECT;
    case 308:
      return route::RedirectAction::PERMANENT_REDIRECT;
    default:
      return route::RedirectAction::MOVED_PERMANENTLY;
  }
}

void set_redirect(const mesh::HTTPRedirect& redirect, route::Route* out) {
  auto* action = out->mutable_redirect();
  if (!redirect.uri.empty()) action->set_path_redirect(redirect.uri);
  if (!redirect.authority.empty()) action->set_host_redirect(redirect.authority);
  if (redirect.port != 0) action->set_port_redirect(redirect.port);
  if (!redirect.scheme.empty()) action->set_scheme_redirect(redirect.scheme);
  action->set_response_code(redirect_code(redirect.redirect_code));
}

void set_retries(const mesh::HTTPRoute& http, route::RouteAction* action) {
  if (!http.retries) {
    auto* policy = action->mutable_retry_policy();
    policy->set_retry_on(kDefaultRetryOn);
    policy->mutable_num_retries()->set_value(kDefaultRetries);
    return;
  }
  if (http.retries->attempts == 0) return;
  auto* policy = action->mutable_retry_policy();
  policy->set_retry_on(http.retries->retry_on.empty() ? kDefaultRetryOn : http.retries->retry_on);
  policy->mutable_num_retries()->set_value(http.retries->attempts);
  if (http.retries->per_try_timeout) {
    *policy->mutable_per_try_timeout() = to_proto(*http.retries->per_try_timeout);
  }
}

void set_forward(const RouteContext& context, const mesh::HTTPRoute& http, route::Route* out) {
  auto* action = out->mutable_route();
  if (http.route.size() == 1) {
    action->set_cluster(cluster_for(context, http.route.front().destination));
    if (http.route.front().headers) apply_headers(*http.route.front().headers, out);
  } else {
    auto* weighted = action->mutable_weighted_clusters();
    for (const auto& destination : http.route) {
      auto* cluster = weighted->add_clusters();
      cluster->set_name(cluster_for(context, destination.destination));
      cluster->mutable_weight()->set_value(destination.weight);
      if (destination.headers) apply_headers(*destination.headers, cluster);
    }
  }
  *action->mutable_timeout() = to_proto(http.timeout.value_or(mesh::Duration::zero()));
  set_retries(http, action);
  if (http.rewrite) {
    if (!http.rewrite->uri.empty()) action->set_prefix_rewrite(http.rewrite->uri);
    if (!http.rewrite->authority.empty()) action->set_host_rewrite_literal(http.rewrite->authority);
    if (http.rewrite->uri_regex_match && http.rewrite->uri_regex_rewrite) {
      auto* regex = action->mutable_regex_rewrite();
      regex->mutable_pattern()->set_regex(*http.rewrite->uri_regex_match);
      regex->set_substitution(*http.rewrite->uri_regex_rewrite);
    }
  }
}

route::Route translate_action(const RouteContext& context, const mesh::HTTPRoute& http) {
  route::Route out;
  if (!http.name.empty()) out.set_name(http.name);
  if (http.redirect) {
    set_redirect(*http.redirect, &out);
  } else if (http.direct_response) {
    auto* direct = out.mutable_direct_response();
    direct->set_status(http.direct_response->status);
    if (http.direct_response->body)
      direct->mutable_body()->set_inline_string(*http.direct_response->body);
  } else {
    set_forward(context, http, &out);
  }
  if (http.headers) apply_headers(*http.headers, &out);
  return out;
}

}  // namespace

std::vector<route::Route> translate_http_route(const RouteContext& context,
                                               const mesh::HTTPRoute& http) {
  std::vector<route::Route> out;
  route::Route action = translate_action(context, http);
  if (http.match.empty()) {
    action.mutable_match()->set_prefix("/");
    out.push_back(std::move(action));
    return out;
  }
  for (const auto& match : http.match) {
    if (!applies(context, match)) continue;
    route::Route r = action;
    *r.mutable_match() = translate_match(match);
    out.push_back(std::move(r));
  }
  return out;
}

route::Route default_route(const std::string& cluster) {
  route::Route out;
  out.set_name("default");
  out.mutable_match()->set_prefix("/");
  auto* action = out.mutable_route();
  action->set_cluster(cluster);
  *action->mutable_timeout() = to_proto(mesh::Duration::zero());
  auto* policy = action->mutable_retry_policy();
  policy->set_retry_on(kDefaultRetryOn);
  policy->mutable_num_retries()->set_value(kDefaultRetries);
  return out;
}

}  // namespace jib::xds
