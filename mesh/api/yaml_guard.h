// Input that the YAML library (yaml-cpp 0.7) cannot be trusted with, refused before it is loaded.
// Found by the fuzzer (test/fuzz): a stray ',' where a block node is expected ("{},", ",", a JSON
// object with a trailing comma, "- a\n,") sends yaml-cpp's parser into a loop that emits events
// without end, and LoadAll then allocates until memory runs out: one bad file would hang jibd.
// Found by attack: anchors and aliases ("billion laughs") make a few hundred bytes stand for
// billions of nodes, which every walk of the document (decoding, free-form fields turned into
// JSON) expands; and deep nesting exhausts the stack of recursive walks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jib::mesh::detail {

struct YamlHazard {
  int line = 0;  // 1-based; where the parser was when it was stopped
  std::string message;
};

// What one file may expand to. A Kubernetes object is at most ~1.5 MiB (etcd's request limit), so
// real config is far below both.
struct YamlLimits {
  size_t max_nodes = 1'000'000;  // nodes of all documents, with every alias expanded
  size_t max_depth = 100;        // nested mappings and sequences
};

// Runs yaml-cpp's event parser over text with a budget of events proportional to its size (a
// terminating parse needs far fewer), counting nodes as aliases expand them and the nesting depth:
// nullopt when it finishes or fails by itself (LoadAll will then report the syntax error), the
// hazard when it runs over a budget or a limit.
std::optional<YamlHazard> find_yaml_hazard(std::string_view text, const YamlLimits& limits = {});

}  // namespace jib::mesh::detail
