#include "xds/envoy_rbac/normalized_path.h"

#include <vector>

namespace jib::xds::authz {

std::string normalized_path(std::string_view path) {
  const size_t query_at = path.find_first_of("?#");
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view{} : path.substr(query_at);
  std::string_view rest = path.substr(0, query_at);
  std::vector<std::string_view> segments;
  // The last segment being "." or ".." leaves a trailing slash, as in RFC 3986's examples.
  bool trailing_slash = false;
  while (!rest.empty()) {
    if (rest.front() == '/') rest.remove_prefix(1);
    const size_t end = rest.find('/');
    const std::string_view segment = rest.substr(0, end);
    const bool last = end == std::string_view::npos;
    rest = last ? std::string_view{} : rest.substr(end);
    trailing_slash = last && (segment == "." || segment == "..");
    if (segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
    // "/a/" ends in an empty segment, kept: the slash is part of the path.
    if (!last && rest == "/") {
      segments.emplace_back();
      break;
    }
  }
  std::string out;
  for (const auto& s : segments) {
    out += '/';
    out += s;
  }
  if (out.empty() || trailing_slash) out += '/';
  out += query;
  return out;
}

}  // namespace jib::xds::authz
