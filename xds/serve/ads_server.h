// The ADS server: keeps the current push context and every stream, and fans pushes out.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "xds/serve/ads_stream.h"
#include "xds/serve/push_context.h"
#include "xds/serve/xds_metrics.h"

namespace jib::xds {

// Every ADS stream of the process, whichever port it came in on (xds::AdsService is the gRPC
// face of one port), and the push context they are served from.
class AdsServer final : public AdsStreamHost {
 public:
  // max_streams: streams served at once over all ports (--xds-max-streams).
  AdsServer(PushContextPtr initial, XdsMetrics& metrics, size_t max_streams = kDefaultMaxStreams);
  static constexpr size_t kDefaultMaxStreams = 100'000;

  // Makes the context current and pushes what changed to every stream. One caller at a time
  // (the push queue's thread).
  void push(PushContextPtr context);

  PushContextPtr current() const override;
  XdsMetrics& metrics() override { return metrics_; }

  // One row per identified proxy, sorted by proxy id.
  nlohmann::json sync_status() const;

  bool add(const std::shared_ptr<AdsStream>& stream) override;
  void remove(const AdsStream* stream) override;
  void identified(const Proxy& proxy) override;
  // When the proxy was the last of its cache key (or of its key and IP) the output generated
  // for it is dropped: proxies that come and go leave nothing behind.
  void released(const Proxy& proxy) override;

 private:
  XdsMetrics& metrics_;
  const size_t max_streams_;
  mutable std::mutex mutex_;
  PushContextPtr current_;
  std::map<const AdsStream*, std::weak_ptr<AdsStream>> streams_;
  // Connected proxies by cache key and IP.
  std::map<std::pair<std::string, std::string>, int> proxies_by_key_and_ip_;
};

}  // namespace jib::xds
