// One snapshot and the resources generated from it, cached per (type, proxy cache key).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "mesh/model/snapshot.h"
#include "xds/translate/generators.h"

namespace jib::xds {

class PushContext {
 public:
  explicit PushContext(mesh::SnapshotPtr snapshot) : snapshot_(std::move(snapshot)) {}

  const mesh::Snapshot& snapshot() const { return *snapshot_; }

  // The resources of a type for a proxy, generated at most once per cache key. Thread-safe.
  ResourcesPtr resources(ResourceType type, const Proxy& proxy) const;

 private:
  struct Entry {
    std::once_flag once;
    ResourcesPtr resources;
  };
  mesh::SnapshotPtr snapshot_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<ResourceType, std::string>, std::shared_ptr<Entry>> cache_;
};

using PushContextPtr = std::shared_ptr<const PushContext>;

}  // namespace jib::xds
