#include "mesh/api/duration.h"

#include "base/duration.h"

namespace jib::mesh {

std::optional<Duration> parse_duration(std::string_view text) {
  std::string error;  // callers name the field in their own message
  return parse_go_duration(text, &error);
}

std::string format_duration(Duration d) { return jib::format_duration(d); }

}  // namespace jib::mesh
