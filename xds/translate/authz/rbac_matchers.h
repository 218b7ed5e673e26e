// Istio's AuthorizationPolicy values as Envoy RBAC matchers. Values keep Istio's string forms:
// "abc" exact, "abc*" prefix, "*abc" suffix, "*" any non-empty value; paths may also be Istio's
// templates ("/a/{*}", "/b/{**}": mesh/api/path_template.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "envoy/config/rbac/v3/rbac.pb.h"
#include "envoy/type/matcher/v3/string.pb.h"

namespace jib::xds::authz {

using envoy::config::rbac::v3::Permission;
using envoy::config::rbac::v3::Principal;
using envoy::type::matcher::v3::StringMatcher;

// Where jwt_authn leaves a verified token's payload, which request.auth.* and
// requestPrincipals match: dynamic metadata of the filter, under one key for every provider.
inline constexpr std::string_view kJwtAuthnFilter = "envoy.filters.http.jwt_authn";
inline constexpr std::string_view kJwtPayloadKey = "payload";
// Claims whose space-separated string value jwt_authn turns into a list in that payload, so
// that `request.auth.claims[scope]` matches one scope of "read write" (Istio's defaults).
inline constexpr std::string_view kSpaceDelimitedClaims[] = {"permission", "scope"};
// Istio's name of a path template's uri_template extension (Envoy picks the matcher by the
// type of its config: envoy.path.match.uri_template.uri_template_matcher).
inline constexpr std::string_view kUriTemplateName = "uri-template";

StringMatcher string_matcher(std::string_view value, bool ignore_case = false);

// A peer's SPIFFE identity as Istio writes it in `principals` ("cluster.local/ns/x/sa/y").
Principal principal_name(std::string_view value);
// Peers of a namespace (source namespaces, `source.namespace`).
Principal namespace_principal(std::string_view value);
// A JWT's "iss/sub" (requestPrincipals, request.auth.principal).
Principal request_principal(std::string_view value);
// A claim of the verified JWT; `path` is the claim's nesting, e.g. {"groups"} or {"a", "b"}.
// Matches a string claim equal to the value, or a list claim that contains it.
Principal claim(const std::vector<std::string>& path, std::string_view value);
Principal header_principal(std::string_view name, std::string_view value);
// CIDR or bare address; `direct` is the connection's peer (ipBlocks, source.ip), otherwise the
// client as X-Forwarded-For tells it (remoteIpBlocks, remote.ip).
Principal ip_principal(std::string_view cidr, bool direct);

Permission header_permission(std::string_view name, std::string_view value);
Permission method_permission(std::string_view value);
// A template becomes Envoy's uri_template matcher, any other value a url_path (no query).
Permission path_permission(std::string_view value);
// Hosts match :authority case-insensitively, with or without a port.
Permission host_permission(std::string_view value);
Permission port_permission(uint32_t port);
Permission destination_ip_permission(std::string_view cidr);
Permission sni_permission(std::string_view value);

// OR of alternatives; a single one is returned as it is.
Principal any_of(std::vector<Principal> ids);
Permission any_of(std::vector<Permission> rules);
// AND of requirements; none means "any".
Principal all_of(std::vector<Principal> ids);
Permission all_of(std::vector<Permission> rules);
Principal negate(Principal id);
Permission negate(Permission rule);

}  // namespace jib::xds::authz
