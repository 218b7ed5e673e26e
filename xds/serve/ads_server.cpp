#include "xds/serve/ads_server.h"

#include <algorithm>
#include <vector>

namespace jib::xds {

AdsServer::AdsServer(PushContextPtr initial, XdsMetrics& metrics)
    : metrics_(metrics), current_(std::move(initial)) {}

void AdsServer::push(PushContextPtr context) {
  std::vector<std::shared_ptr<AdsStream>> streams;
  {
    std::lock_guard lock(mutex_);
    current_ = context;
    streams.reserve(streams_.size());
    for (const auto& [key, weak] : streams_) {
      if (auto stream = weak.lock()) streams.push_back(std::move(stream));
    }
  }
  for (const auto& stream : streams) stream->push(context);
}

PushContextPtr AdsServer::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

nlohmann::json AdsServer::sync_status() const {
  std::vector<std::shared_ptr<AdsStream>> streams;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, weak] : streams_) {
      if (auto stream = weak.lock()) streams.push_back(std::move(stream));
    }
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& stream : streams) {
    auto row = stream->sync_status();
    if (!row.is_null()) rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["proxy"].get<std::string>() < b["proxy"].get<std::string>();
  });
  return rows;
}

void AdsServer::add(const std::shared_ptr<AdsStream>& stream) {
  std::lock_guard lock(mutex_);
  streams_[stream.get()] = stream;
  metrics_.connected.add(1);
}

void AdsServer::remove(const AdsStream* stream) {
  std::lock_guard lock(mutex_);
  if (streams_.erase(stream)) metrics_.connected.add(-1);
}

}  // namespace jib::xds
