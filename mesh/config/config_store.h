// The store of typed config objects: one writer applies batches, readers take immutable states.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mesh/api/config_object.h"

namespace jib::mesh {

// Equal in everything but provenance (meta.source): an object that only moved within its file
// is not a change worth a push.
bool same_config(const ConfigObject& a, const ConfigObject& b);

// The objects in force at one generation. Immutable once published.
struct StoreState {
  uint64_t generation = 0;
  std::map<ConfigKey, std::shared_ptr<const ConfigObject>> objects;
};
using StoreStatePtr = std::shared_ptr<const StoreState>;

// What one applied batch changed.
struct ChangeEvent {
  uint64_t generation = 0;
  std::set<ConfigKey> changed;  // added, updated or removed keys
  StoreStatePtr state;          // the state after the batch
};

// A set of upserts and deletes that a source applies as one update.
struct Batch {
  std::vector<ConfigObject> upserts;
  std::vector<ConfigKey> deletes;
};

class ConfigStore {
 public:
  using Listener = std::function<void(const ChangeEvent&)>;

  ConfigStore();

  // Applies all of the batch, or nothing if it changes nothing; bumps the generation and calls
  // every listener (on the caller's thread) when anything changed. Objects in the batch are
  // already validated by the source: the store keeps whatever it is given. Deletes are applied
  // before upserts, so a batch that moves an object between sources keeps it. An upsert that is
  // same_config() as the stored object is no change (and keeps the stored one). Listeners are
  // called in generation order and must not call apply().
  void apply(const Batch& batch);

  // The current state; cheap, safe from any thread.
  StoreStatePtr state() const;

  // Registers a listener for every later change. Not removable; register at start-up.
  void subscribe(Listener listener);

 private:
  // Serialises writers and listener calls, so that events arrive in generation order.
  std::mutex apply_mutex_;
  // Guards only the state pointer, so that readers never wait for listeners.
  mutable std::mutex mutex_;
  StoreStatePtr state_;
  std::vector<Listener> listeners_;
};

}  // namespace jib::mesh
