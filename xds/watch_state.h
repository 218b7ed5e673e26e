// What one connection has subscribed to, sent and had acknowledged, for one resource type.
#pragma once

#include <map>
#include <set>
#include <string>

namespace jib::xds {

struct WatchState {
  bool subscribed = false;
  std::set<std::string> names;  // empty: wildcard (for CDS and LDS)
  std::string sent_version;
  std::string sent_nonce;
  std::string acked_version;
  std::string nack;                           // error_detail of the last NACK; cleared by an ACK
  std::map<std::string, uint64_t> sent_hashes;  // what the last response carried, by name
};

}  // namespace jib::xds
