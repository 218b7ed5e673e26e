// Reading Istio config objects from YAML or JSON text (one code path: JSON is parsed as YAML).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mesh/api/config_error.h"
#include "mesh/api/config_object.h"
#include "mesh/api/input_limits.h"

namespace jib::mesh {

struct ParseResult {
  // Objects that parsed without error, in document order. Not yet validated.
  std::vector<ConfigObject> objects;
  // lines[i] maps field paths of objects[i] to their lines, for validation messages.
  std::vector<FieldLines> lines;
  // Every error found; an object with any error is left out of `objects`.
  ConfigErrors errors;
  // Things ignored on purpose: unknown kinds, and unknown fields unless strict.
  ConfigErrors warnings;
};

struct ParseOptions {
  // Unknown fields of known kinds (from a newer Istio, or typos) are errors rather than
  // warnings. `jibctl validate` is strict; the daemon is not, so that an upgrade of users' YAML
  // ahead of Jib does not stop traffic.
  bool strict = false;
};

// Parses every document of a multi-document YAML (or JSON) text. Never throws.
ParseResult parse_yaml(std::string_view text, const std::string& file_name,
                       const ParseOptions& options = {});

// parse_yaml, then validate() each object; objects that fail validation move to the errors.
ParseResult parse_and_validate(std::string_view text, const std::string& file_name,
                               const ParseOptions& options = {});

}  // namespace jib::mesh
