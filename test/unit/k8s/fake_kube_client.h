// An in-memory stand-in for the API server, for unit tests only (integration tests run a real
// kube-apiserver): objects per resource with resourceVersions, an event log that watches replay
// from a resourceVersion, compaction (older watches get 410), disconnects, and 404 for
// resources that are "not installed".
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "k8s/kube_client.h"

namespace jib::k8s::testing {

class FakeKubeClient final : public KubeClient {
 public:
  Result get(const Resource& r, const std::string& ns, const std::string& name) override;
  Result list(const Resource& r, const ListOptions& options) override;
  Result create(const Resource& r, const std::string& ns, const nlohmann::json& obj) override;
  Result update(const Resource& r, const std::string& ns, const std::string& name,
                const nlohmann::json& obj) override;
  Result patch(const Resource& r, const std::string& ns, const std::string& name,
               const nlohmann::json& merge_patch) override;
  Result remove(const Resource& r, const std::string& ns, const std::string& name) override;
  Result watch(const Resource& r, const ListOptions& options, const WatchHandler& on_event,
               std::stop_token stop) override;

  // Test controls. upsert() creates or replaces (no conflict check) and logs the event.
  void upsert(const Resource& r, nlohmann::json obj);
  void erase(const Resource& r, const std::string& ns, const std::string& name);
  // Events up to now are forgotten: a watch from an older resourceVersion gets 410.
  void compact();
  // Ends every open watch as a dropped connection would (status 0).
  void disconnect();
  // While down, every call fails with status 0.
  void set_down(bool down);
  void set_not_found(const Resource& r, bool not_found);
  // Answers create() of this resource instead of storing (TokenReview).
  void on_create(const Resource& r, std::function<Result(const nlohmann::json&)> handler);
  int page_size_seen() const;
  int calls(const std::string& verb) const;
  int open_watches() const;

 private:
  struct Event {
    uint64_t rv;
    std::string resource;
    std::string type;
    nlohmann::json object;
  };
  static std::string key(const std::string& ns, const std::string& name);
  bool matches(const ListOptions& o, const nlohmann::json& obj) const;
  void record(const Resource& r, const std::string& type, const nlohmann::json& obj);
  Result down_result() const;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  uint64_t rv_ = 100;
  uint64_t compacted_ = 0;
  uint64_t disconnects_ = 0;
  bool down_ = false;
  int page_size_seen_ = 0;
  int open_watches_ = 0;
  std::map<std::string, int> calls_;
  std::set<std::string> not_found_;
  std::map<std::string, std::function<Result(const nlohmann::json&)>> create_handlers_;
  std::map<std::string, std::map<std::string, nlohmann::json>> objects_;  // resource -> key
  std::vector<Event> events_;
};

}  // namespace jib::k8s::testing
