// One snapshot and the resources generated from it, cached per (type, proxy cache key). A push
// context made from the previous one carries over the resources that the push's changes cannot
// have affected, so that those are neither generated nor sent again.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "mesh/model/snapshot.h"
#include "xds/serve/push_request.h"
#include "xds/serve/push_scope.h"
#include "xds/translate/generators.h"

namespace jib::xds {

class PushContext;
using PushContextPtr = std::shared_ptr<const PushContext>;

class PushContext {
 public:
  // The generators; tests pass one that counts.
  using GenerateFn = std::function<ResourcesPtr(ResourceType, const mesh::Snapshot&, const Proxy&)>;

  explicit PushContext(mesh::SnapshotPtr snapshot, GenerateFn generate = xds::generate)
      : snapshot_(std::move(snapshot)), generate_(std::move(generate)) {}

  // The context for a push: `previous`'s generator, and what `previous` generated and its
  // streams still used that the push's changes do not affect.
  static PushContextPtr next(const PushContext& previous, const PushRequest& request);

  const mesh::Snapshot& snapshot() const { return *snapshot_; }

  // The resources of a type for a proxy, generated at most once per cache key. Thread-safe.
  ResourcesPtr resources(ResourceType type, const Proxy& proxy) const;

  // Drops what was generated for the proxies of a cache key at one IP, and with all_of_key what
  // they shared with the key's proxies at other IPs, once no proxy needs it. Thread-safe.
  void evict(const std::string& cache_key, const std::string& ip, bool all_of_key) const;
  // How many (type, cache key) outputs are held; for tests and /metrics.
  size_t cached_entries() const;

 private:
  struct Entry {
    std::once_flag once;
    std::atomic<bool> ready{false};  // resources is set
    std::atomic<bool> used{false};   // asked for from this context
    ResourcesPtr resources;
    std::string ns;  // the namespace of the proxies it is for (part of their cache key)
  };
  // Type, proxy cache key, and the proxy's IP when the output depends on it.
  using Key = std::tuple<ResourceType, std::string, std::optional<std::string>>;

  void carry_over(const PushContext& previous, const PushScope& scope);

  mesh::SnapshotPtr snapshot_;
  GenerateFn generate_;
  mutable std::mutex mutex_;
  mutable std::map<Key, std::shared_ptr<Entry>> cache_;
};

}  // namespace jib::xds
