// The config change that the benchmark times: swap the route weights of one VirtualService file.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace jib::bench {

// Reads `file` (a VirtualService YAML that the driver generated), reverses the order of its
// `weight: N` values (80/20 becomes 20/80), writes the result to a hidden temporary file in the
// same directory and renames it over `file`, so that a watcher sees one complete new version.
// `before_rename` runs right before the rename (the benchmark takes t0 there). Returns a short
// description such as "weights 80,20 -> 20,80". Throws std::runtime_error when the file cannot
// be read or written, or has fewer than two weights or only equal ones.
std::string SwapWeights(const std::filesystem::path& file,
                        const std::function<void()>& before_rename);

}  // namespace jib::bench
