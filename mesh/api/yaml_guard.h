// Input that the YAML library (yaml-cpp 0.7) cannot be trusted with, refused before it is loaded.
// Found by the fuzzer (test/fuzz): a stray ',' where a block node is expected ("{},", ",", a JSON
// object with a trailing comma, "- a\n,") sends yaml-cpp's parser into a loop that emits events
// without end, and LoadAll then allocates until memory runs out: one bad file would hang jibd.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jib::mesh::detail {

struct YamlHazard {
  int line = 0;  // 1-based; where the parser was when it was stopped
  std::string message;
};

// Runs yaml-cpp's event parser over text with a budget of events proportional to its size (a
// terminating parse needs far fewer): nullopt when it finishes or fails by itself (LoadAll will
// then report the syntax error), the hazard when it runs over the budget.
std::optional<YamlHazard> find_yaml_hazard(std::string_view text);

}  // namespace jib::mesh::detail
