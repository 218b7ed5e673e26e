// What one connection has subscribed to, sent and had acknowledged, for one resource type.
#pragma once

#include <set>
#include <string>

namespace jib::xds {

struct WatchState {
  bool subscribed = false;
  std::set<std::string> names;  // empty: wildcard (for CDS and LDS)
  std::string sent_version;     // a hash of what was sent: equal versions, equal content
  std::string sent_nonce;
  std::string acked_version;
  std::string nack;  // error_detail of the last NACK; cleared by an ACK
};

}  // namespace jib::xds
