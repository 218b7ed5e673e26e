// libFuzzer target for the config entry points: parse_and_validate (YAML, and JSON through the
// same path) in lenient and strict mode, and MeshConfig. Any crash, sanitizer report or leak is
// a bug: these functions promise never to throw and to report every problem as an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mesh/api/mesh_config.h"
#include "mesh/api/parse.h"
#include "mesh/api/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the entry point, so that one corpus reaches all of them.
  const uint8_t mode = data[0] % 3;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 2) {
    auto r = jib::mesh::parse_mesh_config(text, "fuzz.yaml");
    for (const auto& e : r.errors) (void)e.str();
    return 0;
  }
  jib::mesh::ParseOptions options;
  options.strict = mode == 1;
  auto r = jib::mesh::parse_and_validate(text, "fuzz.yaml", options);
  for (const auto& e : r.errors) (void)e.str();
  // What parsed must be stable: validating again finds nothing new.
  for (const auto& o : r.objects) {
    if (!jib::mesh::validate(o).empty()) __builtin_trap();
  }
  return 0;
}
