// Bounds on config input, applied before it is parsed (see also yaml_guard.h).
#pragma once

#include <cstddef>

namespace jib::mesh {

// The largest config file read by default (--config-file-max-bytes): etcd refuses objects over
// ~1.5 MiB, and a few times that leaves room for many objects per file.
constexpr size_t kDefaultMaxConfigFileBytes = 4 << 20;

}  // namespace jib::mesh
