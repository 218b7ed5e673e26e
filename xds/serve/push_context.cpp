#include "xds/serve/push_context.h"

#include "xds/translate/inbound_ports.h"

namespace jib::xds {

PushContextPtr PushContext::next(const PushContext& previous, const PushRequest& request) {
  auto context = std::make_shared<PushContext>(request.snapshot, previous.generate_);
  // A change set that does not start at the previous snapshot says nothing about what changed.
  if (!request.complete || request.from_generation != previous.snapshot().generation()) {
    return context;
  }
  // Which namespace-local changes are mesh-wide depends on the root namespace.
  if (request.snapshot->mesh_config().root_namespace !=
      previous.snapshot().mesh_config().root_namespace) {
    return context;
  }
  PushScope scope = push_scope(request);
  if (!scope.affects_everything()) context->carry_over(previous, scope);
  return context;
}

void PushContext::carry_over(const PushContext& previous, const PushScope& scope) {
  std::lock_guard lock(previous.mutex_);
  for (const auto& [key, entry] : previous.cache_) {
    // Unused entries belong to proxies gone since: dropping them bounds the cache.
    if (!entry->ready.load() || !entry->used.load()) continue;
    const auto& [type, proxy_key, ip] = key;
    if (scope.regenerates(type, ip.has_value(), entry->ns)) continue;
    auto copy = std::make_shared<Entry>();
    copy->ns = entry->ns;
    std::call_once(copy->once, [&] { copy->resources = entry->resources; });
    copy->ready = true;
    cache_.emplace(key, std::move(copy));
  }
}

void PushContext::evict(const std::string& cache_key, const std::string& ip,
                        bool all_of_key) const {
  std::lock_guard lock(mutex_);
  for (ResourceType type : kPushOrder) {
    cache_.erase({type, cache_key, ip});
    if (all_of_key) cache_.erase({type, cache_key, std::nullopt});
  }
}

size_t PushContext::cached_entries() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

ResourcesPtr PushContext::resources(ResourceType type, const Proxy& proxy) const {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    std::optional<std::string> ip;
    if (inbound_depends_on_ip(*snapshot_, proxy)) ip = proxy.ip;
    auto& slot = cache_[{type, proxy.cache_key(), std::move(ip)}];
    if (!slot) {
      slot = std::make_shared<Entry>();
      slot->ns = proxy.ns;
    }
    entry = slot;
  }
  entry->used = true;
  // Generation runs outside the map lock so that different keys generate in parallel.
  std::call_once(entry->once, [&] {
    entry->resources = generate_(type, *snapshot_, proxy);
    entry->ready = true;
  });
  return entry->resources;
}

}  // namespace jib::xds
