// Debounces store changes into snapshots: waits for a quiet period (or a maximum delay), merges
// every change of that window into one snapshot and one change set, and hands them to the push
// callback. The only debouncer between sources and proxies: max_delay bounds the wait from the
// first change of a window to its push.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "mesh/config/config_store.h"
#include "mesh/config/mesh_config_source.h"
#include "mesh/model/snapshot.h"
#include "xds/serve/push_request.h"

namespace jib::xds {

struct PushQueueOptions {
  std::chrono::milliseconds quiet{100};
  std::chrono::milliseconds max_delay{1000};
  mesh::MeshConfigSource mesh_config;  // resolved against each state the snapshot is built from
};

class PushQueue {
 public:
  using PushFn = std::function<void(PushRequest request)>;

  PushQueue(PushQueueOptions options, PushFn push);
  ~PushQueue();

  // Any thread. Cheap: records the event and wakes the queue.
  void enqueue(const mesh::ChangeEvent& event);
  // Any thread. Snapshots from now on carry these roots; pushes `current` (the store's state)
  // with them unless a newer state is already waiting.
  void set_trust_roots(mesh::TrustRootsPtr roots, mesh::StoreStatePtr current);
  // Any thread. The same for the key sets fetched from jwksUris.
  void set_jwks(mesh::JwksByUriPtr jwks, mesh::StoreStatePtr current);

  void start();
  void stop();

 private:
  void run();
  // Under mutex_: an input from outside the store changed; push `current` unless a newer state
  // is already waiting.
  void mark_changed(mesh::StoreStatePtr current);

  PushQueueOptions options_;
  PushFn push_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  mesh::StoreStatePtr pending_state_;
  mesh::TrustRootsPtr trust_roots_;
  mesh::JwksByUriPtr jwks_;
  std::set<mesh::ConfigKey> pending_changes_;
  // The store generations the pending changes cover: from_generation_ (exclusive) to
  // last_generation_, without a gap while contiguous_.
  uint64_t from_generation_ = 0;
  uint64_t last_generation_ = 0;
  bool contiguous_ = true;
  bool trust_roots_changed_ = false;
  bool jwks_changed_ = false;
  std::chrono::steady_clock::time_point first_event_;
  std::chrono::steady_clock::time_point last_event_;
  std::thread thread_;
};

}  // namespace jib::xds
