// Kubernetes core/v1 Namespace: cluster scoped; its labels drive injection and discovery
// selectors, so they are what the mesh reads.
#pragma once

#include <string>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

struct Namespace {
  enum class Phase { kActive, kTerminating };

  // Cluster scoped: meta.ns means nothing (the parser fills in "default"); the name is the key.
  ObjectMeta meta;
  Phase phase = Phase::kActive;
  bool operator==(const Namespace&) const = default;
};

}  // namespace jib::mesh
