// List-and-watch of one resource type, as client-go's reflector and informer: a paginated LIST,
// then a WATCH from the listed resourceVersion with bookmarks; on a disconnect the watch resumes
// from the last resourceVersion seen; on 410 Gone everything is listed again and the differences
// are emitted (adds, updates, deletes). Failures retry with jittered backoff; a resource that
// does not exist yet (404: its CRD is not installed) is retried, never fatal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/backoff.h"
#include "k8s/kube_client.h"

namespace jib::k8s {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// Objects by "ns/name" (or "name" when cluster scoped).
using ObjectCache = std::map<std::string, ObjectPtr>;

struct InformerEvent {
  enum class Type { kAdded, kModified, kDeleted };
  Type type;
  ObjectPtr object;  // for kDeleted, the last state known
};

// The events that turn `cache` into the listed `items`: adds, modifications (resourceVersion
// differs) and deletes, in key order. Pure; the informer's re-list after 410 uses it.
std::vector<InformerEvent> diff_relist(const ObjectCache& cache,
                                       const std::vector<ObjectPtr>& items);

struct InformerOptions {
  std::string ns;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  int page_size = 500;
  BackoffOptions backoff{std::chrono::milliseconds(200), std::chrono::milliseconds(10000), 2.0,
                         0.5};
  // Each watch asks the server to end it after a random time in this range, so that watches
  // are renewed and spread out.
  int watch_timeout_min_s = 240;
  int watch_timeout_max_s = 360;
};

class Informer {
 public:
  using Handler = std::function<void(const InformerEvent&)>;

  Informer(KubeClientPtr client, Resource resource, InformerOptions options);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers run on the informer's thread, in event order, after the cache is updated. Add
  // them before start().
  void add_handler(Handler handler);
  // Called after every complete list (the first one and each re-list); same thread.
  void add_synced_handler(std::function<void()> handler);

  void start();
  // Stops and joins; idempotent.
  void stop();

  // True once the first list completed, or the resource was found not to exist (an empty set,
  // until its CRD appears).
  bool has_synced() const { return synced_.load(); }
  bool wait_synced(std::chrono::milliseconds timeout) const;

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  const Resource& resource() const { return resource_; }
  const InformerOptions& options() const { return options_; }
  // Counters for tests and /metrics: lists done and watches started.
  uint64_t lists() const { return lists_.load(); }
  uint64_t watches() const { return watches_.load(); }

 private:
  enum class ListOutcome { kOk, kNotFound, kFailed, kStopped };

  void run(std::stop_token stop);
  ListOutcome relist(std::stop_token stop);
  // One watch; returns true when the next step is a re-list (410).
  bool watch_once(std::stop_token stop, bool* failed);
  void restart_backoff_if_busy(const Result& r);
  void apply(InformerEvent::Type type, nlohmann::json object);
  void emit(const InformerEvent& event);
  // Sleeps d unless stopped first; false when stopped.
  bool sleep(std::stop_token stop, std::chrono::milliseconds d);
  ObjectPtr normalise(nlohmann::json object) const;
  ListOptions base_list_options() const;

  KubeClientPtr client_;
  Resource resource_;
  InformerOptions options_;
  Backoff backoff_;
  std::vector<Handler> handlers_;
  std::vector<std::function<void()>> synced_handlers_;

  mutable std::mutex mu_;
  mutable std::condition_variable_any cv_;
  ObjectCache cache_;
  std::string resource_version_;
  std::atomic<bool> synced_{false};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> watches_{0};
  bool not_found_logged_ = false;
  std::jthread thread_;
};
using InformerPtr = std::shared_ptr<Informer>;

// One informer per (resource, namespace, selectors), shared by every controller that asks.
class InformerFactory {
 public:
  explicit InformerFactory(KubeClientPtr client) : client_(std::move(client)) {}
  ~InformerFactory() { stop(); }
  // The shared informer; created (not started) on first request. Call before start().
  InformerPtr get(const Resource& resource, const InformerOptions& options = {});
  void start();
  void stop();
  // True when every informer has synced (see Informer::has_synced), waiting up to timeout.
  bool wait_synced(std::chrono::milliseconds timeout) const;
  std::vector<InformerPtr> all() const;

 private:
  KubeClientPtr client_;
  mutable std::mutex mu_;
  std::vector<InformerPtr> informers_;
};

}  // namespace jib::k8s
