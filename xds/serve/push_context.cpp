#include "xds/serve/push_context.h"

#include "xds/translate/inbound_ports.h"

namespace jib::xds {

ResourcesPtr PushContext::resources(ResourceType type, const Proxy& proxy) const {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    std::string key = proxy.cache_key();
    if (inbound_depends_on_ip(*snapshot_, proxy)) key += "|" + proxy.ip;
    auto& slot = cache_[{type, std::move(key)}];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  // Generation runs outside the map lock so that different keys generate in parallel.
  std::call_once(entry->once, [&] { entry->resources = generate(type, *snapshot_, proxy); });
  return entry->resources;
}

}  // namespace jib::xds
