#include "xds/envoy_rbac/uri_template.h"

#include <re2/re2.h>

namespace jib::xds::authz {
namespace {

// Envoy's source/extensions/path/uri_template_lib/uri_template_internal.cc: kLiteral (with
// '*'), the glob regexes, the 256-character limit of UriTemplateMatchConfig.
constexpr std::string_view kPathChars = "a-zA-Z0-9._~%!$&'()+,;:@=*-";
constexpr size_t kMaxTemplate = 256;

std::string one_segment() { return "[" + std::string(kPathChars) + "]+"; }
std::string any_text() { return "[" + std::string(kPathChars) + "/]*"; }

// A literal segment Envoy accepts (and that means itself: Jib never sends '*' in one).
bool is_literal(std::string_view s) {
  static const RE2 literal("[a-zA-Z0-9._~%!$&'()+,;:@=-]+");
  return RE2::FullMatch(s, literal);
}

}  // namespace

std::optional<std::string> uri_template_regex(std::string_view path_template) {
  if (path_template.empty() || path_template.size() > kMaxTemplate ||
      !path_template.starts_with('/')) {
    return std::nullopt;
  }
  std::string regex = "/";
  bool text_glob_seen = false;
  std::string_view rest = path_template.substr(1);
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment == "*" || segment == "**") {
      if (text_glob_seen) return std::nullopt;  // "Glob after text glob."
      text_glob_seen = segment == "**";
      regex += segment == "*" ? one_segment() : any_text();
    } else if (is_literal(segment)) {
      regex += RE2::QuoteMeta(segment);
    } else {
      return std::nullopt;  // empty, variable, suffix after an operator, or not a pchar
    }
    if (slash == std::string_view::npos) break;
    regex += '/';
    rest.remove_prefix(slash + 1);  // a trailing '/' leaves rest empty: it must be matched
  }
  return regex;
}

}  // namespace jib::xds::authz
