// The seam between jibd's Kubernetes controllers and the API server: a small abstract client
// (get, list, watch, create, update, patch, remove). RestClient talks to a real server; unit
// tests substitute a fake, so that informers and controllers are tested without one.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

namespace jib::k8s {

// One REST resource type: group, version and the plural that names its collection.
struct Resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "virtualservices"
  std::string kind;     // "VirtualService": list items carry no kind, so the informer adds it
  bool namespaced = true;

  // "/api/v1" or "/apis/<group>/<version>".
  std::string group_path() const;
  // The collection path: all namespaces when ns is empty (or the resource is cluster scoped).
  std::string collection_path(const std::string& ns) const;
  // The path of one object.
  std::string object_path(const std::string& ns, const std::string& name) const;
  // "apiVersion" as objects of this resource carry it: "v1", "networking.istio.io/v1".
  std::string api_version() const;
  // "virtualservices.networking.istio.io", for logs.
  std::string str() const;
  auto operator<=>(const Resource&) const = default;
};

// The answer to one request. status is the HTTP status, 0 when no answer was obtained
// (connection refused, TLS, timeout); error says why for anything that is not 2xx.
struct Result {
  int status = 0;
  nlohmann::json body;
  std::string error;
  bool ok() const { return status >= 200 && status < 300; }
  bool not_found() const { return status == 404; }
  bool conflict() const { return status == 409; }  // also "already exists" on create
  bool gone() const { return status == 410; }
};

struct ListOptions {
  std::string ns;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  int limit = 0;  // page size for list; 0: no paging
  std::string continue_token;
  std::string resource_version;  // where a watch starts
  bool allow_watch_bookmarks = false;
  int timeout_seconds = 0;  // server-side watch timeout; 0: the server's default
};

// One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
struct WatchEvent {
  std::string type;
  nlohmann::json object;
};

class KubeClient {
 public:
  using WatchHandler = std::function<void(const WatchEvent&)>;

  virtual ~KubeClient() = default;
  // All calls are thread-safe and bounded by the client's timeout; none throws.
  virtual Result get(const Resource& r, const std::string& ns, const std::string& name) = 0;
  // One page of a list (options.limit, options.continue_token); body is the List object.
  virtual Result list(const Resource& r, const ListOptions& options) = 0;
  virtual Result create(const Resource& r, const std::string& ns, const nlohmann::json& obj) = 0;
  // PUT: replaces the object; optimistic when obj carries metadata.resourceVersion.
  virtual Result update(const Resource& r, const std::string& ns, const std::string& name,
                        const nlohmann::json& obj) = 0;
  // JSON merge patch (RFC 7386).
  virtual Result patch(const Resource& r, const std::string& ns, const std::string& name,
                       const nlohmann::json& merge_patch) = 0;
  virtual Result remove(const Resource& r, const std::string& ns, const std::string& name) = 0;
  // Streams a watch, calling on_event for each event on the calling thread, until the server
  // ends the stream (status 200), the request fails (status and error), or stop is requested
  // (status 0, error "stopped"). A 410 before the stream starts is returned as status 410; a
  // 410 inside the stream arrives as an ERROR event.
  virtual Result watch(const Resource& r, const ListOptions& options, const WatchHandler& on_event,
                       std::stop_token stop) = 0;
};
using KubeClientPtr = std::shared_ptr<KubeClient>;

}  // namespace jib::k8s
