// Envoy's uri_template path matcher (envoy.path.match.uri_template.uri_template_matcher), as
// RBAC's Permission.uri_template runs it: the template becomes a regex that must match the whole
// :path without its query and fragment. Segments are separated by single '/'s; "*" matches one
// non-empty segment, "**" any text of path characters, '/' included, even none (so "/a/**"
// matches "/a/" and "/a/b/c" but not "/a", and "/a/**/b" matches "/a//b"); a literal segment
// matches itself; a trailing '/' must be there. Path characters are RFC 3986 pchars as Envoy
// takes them: letters, digits, -._~%!$&'()+,;:@= and '*' (globs match '*' since Envoy PR
// #39169, runtime guard uri_template_match_on_asterisk, on in the Envoy 1.36 Jib runs), so
// "/a/*" matches "/a/x*y" but not "/a/x|y".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jib::xds::authz {

// The regex Envoy builds for `path_template`; nullopt when Envoy would refuse the template or
// it uses what Jib never sends (named variables "{name}", text after an operator in a segment).
std::optional<std::string> uri_template_regex(std::string_view path_template);

}  // namespace jib::xds::authz
