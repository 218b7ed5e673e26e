// Config from the API server: the Istio kinds of the mesh's kind registry, the Kubernetes core
// kinds of the service registry (Services, EndpointSlices, Pods, ServiceAccounts, Namespaces),
// Secrets (gateway credentials) and the `istio` ConfigMap (MeshConfig) of the control-plane
// namespace, fed into the store as mesh::FileSource does for files. An invalid object is
// reported in the parser's error format and its last good version stays in force. Events of a
// short window become one mesh::Batch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "k8s/informer.h"
#include "mesh/config/config_store.h"

namespace jib::k8s {

struct KubeSourceOptions {
  std::string control_plane_namespace = "istio-system";
  // Events arriving within this time of the first one are applied together.
  std::chrono::milliseconds batch_window{20};
};

class KubeSource {
 public:
  // Registers its informers with the factory; start the factory after this.
  KubeSource(KubeSourceOptions options, InformerFactory& informers, mesh::ConfigStore& store);
  ~KubeSource();

  // Starts the batching thread.
  void start();
  void stop();
  // Waits until every informer has synced and applies what is pending; true when synced.
  bool wait_synced(std::chrono::milliseconds timeout);
  // Applies pending events now.
  void flush();
  // Objects refused so far (parse or validation errors).
  uint64_t errors() const { return errors_.load(); }

  // Converts one API object into a validated ConfigObject; nullopt with the errors logged (and
  // counted) when it is invalid or of a kind the mesh does not hold. Public for tests.
  std::optional<mesh::ConfigObject> convert(const nlohmann::json& object);

 private:
  void watch(const InformerPtr& informer);
  void on_event(const Resource& resource, const InformerEvent& event);
  void run(std::stop_token stop);

  KubeSourceOptions options_;
  InformerFactory& informers_;
  mesh::ConfigStore& store_;
  std::atomic<uint64_t> errors_{0};

  std::mutex mu_;
  std::condition_variable_any cv_;
  // What the next batch does for each key: upsert the object, or delete (nullopt).
  std::map<mesh::ConfigKey, std::optional<mesh::ConfigObject>> pending_;
  // The store key of each API object this source put into the store: deletes arrive as JSON of
  // the last state, possibly an invalid one, so the key of the last good version is kept.
  std::map<std::pair<std::string, std::string>, mesh::ConfigKey> keys_;
  std::mutex apply_mu_;  // one batch at a time, in order
  std::jthread thread_;
};

}  // namespace jib::k8s
