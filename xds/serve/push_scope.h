// Which generated resource types a push must generate again, from what it changed (Istio's
// ConfigsUpdated filters per generator). Everything else is carried over from the previous
// push context. When unsure, a kind affects a type: a needless generation costs time, a
// missed one would serve stale config.
#pragma once

#include <array>
#include <string_view>

#include "xds/serve/push_request.h"
#include "xds/translate/type_urls.h"

namespace jib::xds {

class PushScope {
 public:
  static PushScope everything();

  // Adds what a change of an object of this kind can affect.
  void add_kind(std::string_view kind);
  void add(ResourceType type) { all_[index(type)] = true; }

  // Whether output of this type must be generated again; per_ip: output cached per proxy IP
  // (inbound ports made from the service endpoints at that IP).
  bool regenerates(ResourceType type, bool per_ip) const {
    return all_[index(type)] || (per_ip && per_ip_[index(type)]);
  }
  bool affects_everything() const;

 private:
  static size_t index(ResourceType type) { return static_cast<size_t>(type); }

  std::array<bool, kPushOrder.size()> all_{};
  std::array<bool, kPushOrder.size()> per_ip_{};
};

PushScope push_scope(const PushRequest& request);

}  // namespace jib::xds
