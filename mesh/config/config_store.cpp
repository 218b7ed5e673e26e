#include "mesh/config/config_store.h"

namespace jib::mesh {
bool same_config(const ConfigObject& a, const ConfigObject& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        T y = std::get<T>(b);
        y.meta.source = x.meta.source;
        return x == y;
      },
      a);
}

ConfigStore::ConfigStore() : state_(std::make_shared<const StoreState>()) {}

void ConfigStore::apply(const Batch& batch) {
  std::lock_guard apply_lock(apply_mutex_);
  StoreStatePtr before = state();
  auto next = std::make_shared<StoreState>(*before);
  std::set<ConfigKey> touched;
  for (const auto& key : batch.deletes) {
    if (next->objects.erase(key) > 0) touched.insert(key);
  }
  for (const auto& object : batch.upserts) {
    ConfigKey key = key_of(object);
    next->objects[key] = std::make_shared<const ConfigObject>(object);
    touched.insert(key);
  }
  // Compare against the state before the batch, so that a delete followed by an equal upsert,
  // or an upsert equal to what is stored, is no change.
  ChangeEvent event;
  for (const auto& key : touched) {
    auto old_it = before->objects.find(key);
    auto new_it = next->objects.find(key);
    const bool had = old_it != before->objects.end();
    const bool has = new_it != next->objects.end();
    if (had && has && same_config(*old_it->second, *new_it->second)) {
      new_it->second = old_it->second;  // keep sharing the unchanged object
      continue;
    }
    if (had || has) event.changed.insert(key);
  }
  if (event.changed.empty()) return;
  next->generation = before->generation + 1;
  event.generation = next->generation;
  event.state = next;
  {
    std::lock_guard lock(mutex_);
    state_ = next;
  }
  for (const auto& listener : listeners_) listener(event);
}

StoreStatePtr ConfigStore::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void ConfigStore::subscribe(Listener listener) {
  std::lock_guard apply_lock(apply_mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace jib::mesh
