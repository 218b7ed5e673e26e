#include "xds/translate/authz/ext_authz_filter.h"

#include <google/protobuf/util/time_util.h>

#include "base/log.h"
#include "envoy/extensions/filters/http/ext_authz/v3/ext_authz.pb.h"
#include "envoy/extensions/filters/http/rbac/v3/rbac.pb.h"
#include "xds/translate/authz/rbac_builder.h"
#include "xds/translate/names.h"

namespace jib::xds::authz {
namespace {

using envoy::extensions::filters::http::ext_authz::v3::ExtAuthz;
using google::protobuf::util::TimeUtil;

constexpr int64_t kDefaultTimeoutMs = 600;  // Istio's default for ext_authz providers
constexpr uint32_t kDefaultDeniedStatus = 403;

google::protobuf::Duration timeout_of(const std::optional<mesh::Duration>& timeout) {
  int64_t ms = timeout ? std::chrono::duration_cast<std::chrono::milliseconds>(*timeout).count()
                       : kDefaultTimeoutMs;
  return TimeUtil::MillisecondsToDuration(ms);
}

void set_common(bool fail_open, const std::string& status_on_error,
                const std::optional<mesh::RequestBodyOptions>& body, ExtAuthz* config) {
  config->set_transport_api_version(envoy::config::core::v3::V3);
  config->set_failure_mode_allow(fail_open);
  uint32_t status = kDefaultDeniedStatus;
  if (!status_on_error.empty()) status = std::stoul(status_on_error);
  config->mutable_status_on_error()->set_code(static_cast<envoy::type::v3::StatusCode>(status));
  if (body) {
    auto* with_body = config->mutable_with_request_body();
    with_body->set_max_request_bytes(body->max_request_bytes);
    with_body->set_allow_partial_message(body->allow_partial_message);
    with_body->set_pack_as_bytes(body->pack_as_bytes);
  }
  // Only requests that one of the CUSTOM policies' rules matched go to the authorizer.
  auto* enabled = config->mutable_filter_enabled_metadata();
  enabled->set_filter("envoy.filters.http.rbac");
  enabled->add_path()->set_key(std::string(kExtAuthzShadowPrefix) + "shadow_effective_policy_id");
  enabled->mutable_value()->mutable_string_match()->set_prefix(std::string(kExtAuthzPolicyPrefix));
}

// Envoy refuses an empty matcher list: callers set one only when there are headers.
template <typename Mutable>
void add_exact_patterns(const std::vector<std::string>& headers, Mutable list) {
  if (headers.empty()) return;
  envoy::type::matcher::v3::ListStringMatcher* out = list();
  for (const auto& header : headers) {
    auto* pattern = out->add_patterns();
    pattern->set_exact(header);
    pattern->set_ignore_case(true);
  }
}

ExtAuthz http_config(const mesh::EnvoyExternalAuthorizationHttp& p) {
  ExtAuthz config;
  set_common(p.fail_open, p.status_on_error, p.include_request_body_in_check, &config);
  auto* service = config.mutable_http_service();
  auto* uri = service->mutable_server_uri();
  uri->set_uri("http://" + p.service + ":" + std::to_string(p.port) + p.path_prefix);
  uri->set_cluster(names::outbound_cluster(p.port, "", p.service));
  *uri->mutable_timeout() = timeout_of(p.timeout);
  service->set_path_prefix(p.path_prefix);
  auto* request = service->mutable_authorization_request();
  add_exact_patterns(p.include_request_headers_in_check,
                     [&] { return config.mutable_allowed_headers(); });
  for (const auto& [name, value] : p.include_additional_headers_in_check) {
    auto* header = request->add_headers_to_add();
    header->set_key(name);
    header->set_value(value);
  }
  auto* response = service->mutable_authorization_response();
  add_exact_patterns(p.headers_to_upstream_on_allow,
                     [&] { return response->mutable_allowed_upstream_headers(); });
  add_exact_patterns(p.headers_to_downstream_on_deny,
                     [&] { return response->mutable_allowed_client_headers(); });
  add_exact_patterns(p.headers_to_downstream_on_allow,
                     [&] { return response->mutable_allowed_client_headers_on_success(); });
  return config;
}

ExtAuthz grpc_config(const mesh::EnvoyExternalAuthorizationGrpc& p) {
  ExtAuthz config;
  set_common(p.fail_open, p.status_on_error, p.include_request_body_in_check, &config);
  auto* grpc = config.mutable_grpc_service();
  grpc->mutable_envoy_grpc()->set_cluster_name(names::outbound_cluster(p.port, "", p.service));
  grpc->mutable_envoy_grpc()->set_authority(p.service);
  *grpc->mutable_timeout() = timeout_of(p.timeout);
  return config;
}

}  // namespace

std::vector<HttpFilter> custom_http_filters(
    const std::vector<const mesh::AuthorizationPolicy*>& custom,
    const mesh::MeshConfig& mesh_config) {
  if (custom.empty() || !custom.front()->provider) return {};
  const std::string& provider_name = custom.front()->provider->name;
  const mesh::ExtensionProvider* provider = mesh_config.provider(provider_name);
  std::optional<ExtAuthz> config;
  if (provider) {
    if (const auto* http = std::get_if<mesh::EnvoyExternalAuthorizationHttp>(&provider->provider)) {
      config = http_config(*http);
    } else if (const auto* grpc =
                   std::get_if<mesh::EnvoyExternalAuthorizationGrpc>(&provider->provider)) {
      config = grpc_config(*grpc);
    }
  }
  if (!config) {
    log::warn("authz", "CUSTOM policy ", custom.front()->meta.ns, "/", custom.front()->meta.name,
              ": extension provider ", provider_name, " is not an ext_authz provider of the mesh");
    return {};
  }
  std::vector<const mesh::AuthorizationPolicy*> same_provider;
  for (const auto* policy : custom) {
    if (policy->provider && policy->provider->name == provider_name)
      same_provider.push_back(policy);
  }
  CompiledRbac compiled =
      compile_rbac(same_provider, mesh::AuthorizationPolicy::Action::kCustom, Protocol::kHttp);
  envoy::extensions::filters::http::rbac::v3::RBAC shadow;
  auto* rules = shadow.mutable_shadow_rules();
  rules->set_action(envoy::config::rbac::v3::RBAC::ALLOW);
  // Dry-run CUSTOM policies are not enforced: they stay out of the rules that enable ext_authz.
  for (auto& [name, policy] : *compiled.rules.mutable_policies()) {
    (*rules->mutable_policies())[std::string(kExtAuthzPolicyPrefix) + name] = std::move(policy);
  }
  shadow.set_shadow_rules_stat_prefix(std::string(kExtAuthzShadowPrefix));
  std::vector<HttpFilter> out(2);
  out[0].set_name("envoy.filters.http.rbac");
  out[0].mutable_typed_config()->PackFrom(shadow);
  out[1].set_name("envoy.filters.http.ext_authz");
  out[1].mutable_typed_config()->PackFrom(*config);
  return out;
}

}  // namespace jib::xds::authz
