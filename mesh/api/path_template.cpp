#include "mesh/api/path_template.h"

#include <cctype>

namespace jib::mesh {
namespace {

constexpr std::string_view kOne = "{*}";
constexpr std::string_view kRest = "{**}";
// Envoy's longest path_template (its proto's validation).
constexpr size_t kMaxEnvoyTemplate = 256;

// RFC 3986 pchar as Envoy's templates and Istio's validation take it: unreserved, '%',
// sub-delims but '*', ':', '@' (and '=').
bool is_literal_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~%!$&'()+,;:@=").find(c) != std::string_view::npos;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Why one segment of a template is not valid; `rest_seen`: a "{**}" came before it.
std::string check_segment(std::string_view segment, bool last, bool* rest_seen) {
  if (segment == kOne || segment == kRest) {
    if (*rest_seen) return "{**} must be the last operator: only text may follow it";
    *rest_seen = segment == kRest;
    return "";
  }
  if (segment.find_first_of("{}") != std::string_view::npos) {
    return "segment " + quoted(segment) +
           ": '{' and '}' are only allowed as the whole segments {*} and {**}";
  }
  if (segment.empty()) {
    return last ? "" : "empty segment (\"//\"): segments are separated by a single '/'";
  }
  for (char c : segment) {
    if (!is_literal_char(c)) {
      return "segment " + quoted(segment) + " has '" + std::string(1, c) +
             "': text segments of a template allow letters, digits and -._~%!$&'()+,;:@=";
    }
  }
  return "";
}

}  // namespace

bool is_path_template(std::string_view path) {
  return path.find(kOne) != std::string_view::npos || path.find(kRest) != std::string_view::npos;
}

std::string envoy_path_template(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    if (path.starts_with(kOne)) {
      out += '*';
      path.remove_prefix(kOne.size());
    } else if (path.starts_with(kRest)) {
      out += "**";
      path.remove_prefix(kRest.size());
    } else {
      out += path.front();
      path.remove_prefix(1);
    }
  }
  return out;
}

std::string check_path_template(std::string_view path) {
  if (path.find_first_of("{}") == std::string_view::npos) return "";
  if (!is_path_template(path)) {
    return "'{' and '}' are only allowed in the path templates {*} and {**}";
  }
  if (!path.starts_with('/')) return "a path template must start with '/'";
  bool rest_seen = false;
  std::string_view rest = path.substr(1);
  for (;;) {
    const size_t slash = rest.find('/');
    const bool last = slash == std::string_view::npos;
    if (auto reason = check_segment(rest.substr(0, slash), last, &rest_seen); !reason.empty()) {
      return reason;
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  if (const size_t size = envoy_path_template(path).size(); size > kMaxEnvoyTemplate) {
    return "Envoy takes templates of at most " + std::to_string(kMaxEnvoyTemplate) +
           " characters, this one has " + std::to_string(size);
  }
  return "";
}

}  // namespace jib::mesh
