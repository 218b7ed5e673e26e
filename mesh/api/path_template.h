// Istio's path templates in AuthorizationPolicy paths and notPaths: whole segments "{*}" (one
// path segment) and "{**}" (any remaining text, '/' included; once, and no operator after it),
// e.g. "/admin/{*}", "/api/{**}", "/foo/{*}/bar/{**}". A value containing either is a template
// and compiles to Envoy's uri_template matcher as Istio does ("{*}" -> "*", "{**}" -> "**");
// any other value keeps Istio's exact/prefix/suffix/presence forms, so "/api/*" is a prefix.
#pragma once

#include <string>
#include <string_view>

namespace jib::mesh {

// Istio's test: the value contains "{*}" or "{**}".
bool is_path_template(std::string_view path);

// Envoy's path_template for an Istio template: "{*}" -> "*", "{**}" -> "**".
std::string envoy_path_template(std::string_view path);

// Why a value with '{' or '}' is not a path template Istio accepts and Envoy loads, or empty
// when it is one (or has neither brace). Istio's rules (pkg/config/security
// CheckValidPathTemplate): '{' and '}' only in whole segments "{*}" and "{**}"; nothing but
// text after "{**}"; a template's other segments non-empty runs of Envoy's literal characters.
// Stricter than Istio where Envoy refuses what Istio passes (Envoy 1.36 aborts on an RBAC
// uri_template it cannot parse): the template must start with '/', have no empty segment but a
// trailing one, and be at most 256 characters in Envoy's form.
std::string check_path_template(std::string_view path);

}  // namespace jib::mesh
