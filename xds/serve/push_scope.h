// Which generated resource types a push must generate again, and for which proxies, from what it
// changed (Istio's ConfigsUpdated filters per generator, and its per-proxy check of whether a
// config is in the proxy's scope). Everything else is carried over from the previous push
// context. When unsure, a change affects a type everywhere: a needless generation costs time, a
// missed one would serve stale config.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>

#include "xds/serve/push_request.h"
#include "xds/translate/type_urls.h"

namespace jib::xds {

class PushScope {
 public:
  static PushScope everything();

  // Adds what a change of an object of this kind in namespace ns can affect; root_namespace
  // holds the mesh-wide policies and Sidecar defaults.
  void add_change(std::string_view kind, std::string_view ns, std::string_view root_namespace);
  void add(ResourceType type) { all_[index(type)] = true; }

  // Whether output of this type for proxies of namespace proxy_ns must be generated again;
  // per_ip: output cached per proxy IP (inbound ports made from the service endpoints there).
  bool regenerates(ResourceType type, bool per_ip, std::string_view proxy_ns) const {
    const size_t i = index(type);
    return all_[i] || (per_ip && per_ip_[i]) || namespaces_[i].count(proxy_ns) != 0;
  }
  bool affects_everything() const;

 private:
  static size_t index(ResourceType type) { return static_cast<size_t>(type); }

  std::array<bool, kPushOrder.size()> all_{};
  std::array<bool, kPushOrder.size()> per_ip_{};
  // Types regenerated only for the proxies of these namespaces.
  std::array<std::set<std::string, std::less<>>, kPushOrder.size()> namespaces_{};
};

PushScope push_scope(const PushRequest& request);

}  // namespace jib::xds
