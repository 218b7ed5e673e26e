// One result of an analyzer: what is wrong, where, and Istio's code for it.
#pragma once

#include <string>
#include <string_view>

#include "mesh/api/object_meta.h"

namespace jib::mesh::analysis {

struct Finding {
  enum class Level { kInfo, kWarning, kError };

  std::string code;  // Istio's analyzer code where one exists ("IST0101"), else "JIB0xxx"
  std::string name;  // "ReferencedResourceNotFound"
  Level level = Level::kWarning;
  ConfigKey object;
  std::string file;  // empty for objects from the API server
  int line = 0;
  std::string field;  // e.g. spec.http[0].route[1].destination.host; empty for the whole object
  std::string message;
  bool operator==(const Finding&) const = default;

  // "file:line: Error [IST0101] (VirtualService ns/name) field: message"
  std::string str() const;
};

std::string_view level_name(Finding::Level level);

}  // namespace jib::mesh::analysis
