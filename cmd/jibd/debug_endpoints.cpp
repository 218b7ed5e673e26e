#include "cmd/jibd/debug_endpoints.h"

#include <nlohmann/json.hpp>

#include "base/descriptors.h"
#include "base/metrics.h"

namespace jib::jibd {
namespace {

http::Response json_response(const nlohmann::json& body) {
  return {200, "application/json", body.dump(2) + "\n"};
}

}  // namespace

std::map<std::string, http::Handler> debug_handlers(const DebugSources& sources) {
  std::map<std::string, http::Handler> handlers;
  handlers["/ready"] = [&ready = sources.ready](const http::Query&) {
    if (!ready.load()) return http::Response{503, "text/plain", "not ready\n"};
    // Ready means able to serve: without a descriptor left, no proxy can connect for xDS.
    std::string reason;
    if (!descriptor_available(&reason)) {
      return http::Response{503, "text/plain", "not ready: " + reason + "\n"};
    }
    return http::Response{200, "text/plain", "ready\n"};
  };
  handlers["/metrics"] = [](const http::Query&) {
    return http::Response{200, "text/plain; version=0.0.4", metrics::Registry::global().render()};
  };
  handlers["/debug/syncz"] = [&ads = sources.ads](const http::Query&) {
    return json_response(ads.sync_status());
  };
  handlers["/debug/configz"] = [&store = sources.store](const http::Query&) {
    auto state = store.state();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [key, object] : state->objects) {
      rows.push_back({{"kind", key.kind}, {"namespace", key.ns}, {"name", key.name}});
    }
    return json_response({{"generation", state->generation}, {"objects", rows}});
  };
  return handlers;
}

}  // namespace jib::jibd
