#include "xds/serve/ads_server.h"

#include <algorithm>
#include <vector>

namespace jib::xds {

AdsServer::AdsServer(PushContextPtr initial, XdsMetrics& metrics, size_t max_streams)
    : metrics_(metrics), max_streams_(max_streams), current_(std::move(initial)) {}

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

bool AdsServer::add(const std::shared_ptr<AdsStream>& stream) {
  std::lock_guard lock(mutex_);
  if (streams_.size() >= max_streams_) {
    metrics_.refused_streams.inc();
    return false;
  }
  streams_[stream.get()] = stream;
  metrics_.connected.add(1);
  return true;
}

void AdsServer::identified(const Proxy& proxy) {
  const std::string key = proxy.cache_key();
  std::lock_guard lock(mutex_);
  ++proxies_by_key_and_ip_[{key, proxy.ip}];
}

void AdsServer::remove(const AdsStream* stream) {
  std::lock_guard lock(mutex_);
  if (streams_.erase(stream)) metrics_.connected.add(-1);
}

void AdsServer::released(const Proxy& proxy) {
  const std::string key = proxy.cache_key();
  PushContextPtr context;
  bool last_of_key = false;
  {
    std::lock_guard lock(mutex_);
    // Counted down only for a proxy that was counted up.
    auto by_ip = proxies_by_key_and_ip_.find({key, proxy.ip});
    if (by_ip == proxies_by_key_and_ip_.end() || --by_ip->second > 0) return;
    proxies_by_key_and_ip_.erase(by_ip);
    // Entries are sorted by key first: another IP of this key would be the first at or after it.
    auto same_key = proxies_by_key_and_ip_.lower_bound({key, std::string()});
    last_of_key = same_key == proxies_by_key_and_ip_.end() || same_key->first.first != key;
    context = current_;
  }
  context->evict(key, proxy.ip, last_of_key);
}

}  // namespace jib::xds
