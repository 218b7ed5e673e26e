// The handlers of jibd's monitoring port: /ready, /metrics and /debug/*.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "base/http_server.h"
#include "mesh/config/config_store.h"
#include "xds/serve/ads_server.h"

namespace jib::jibd {

struct DebugSources {
  const std::atomic<bool>& ready;
  const mesh::ConfigStore& store;
  const xds::AdsServer& ads;
};

std::map<std::string, http::Handler> debug_handlers(const DebugSources& sources);

}  // namespace jib::jibd
