// One push: the snapshot to serve and what changed since the previous push, so that only the
// resource types a change can affect are generated again.
#pragma once

#include <cstdint>
#include <set>

#include "mesh/config/config_store.h"
#include "mesh/model/snapshot.h"

namespace jib::xds {

struct PushRequest {
  mesh::SnapshotPtr snapshot;
  // Store objects added, updated or removed from store generation `from_generation` to the
  // snapshot's. Only `complete` when no store change in between is missing from the set.
  std::set<mesh::ConfigKey> changed;
  uint64_t from_generation = 0;
  bool complete = false;
  bool trust_roots_changed = false;
  bool jwks_changed = false;
};

}  // namespace jib::xds
