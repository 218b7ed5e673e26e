// Keeps the ConfigMap istio-ca-root-cert (key root-cert.pem) in every namespace, as istiod's
// namespace controller: created for new namespaces, restored when deleted or edited, rewritten
// when the trust bundle changes. Runs only while this replica leads.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "ca/trust_bundle.h"
#include "k8s/informer.h"

namespace jib::k8s {

inline constexpr const char* kRootCertConfigMap = "istio-ca-root-cert";
inline constexpr const char* kRootCertKey = "root-cert.pem";

class RootCertController {
 public:
  // Registers a Namespace informer and an informer for the istio-ca-root-cert ConfigMaps.
  RootCertController(KubeClientPtr client, InformerFactory& informers);
  ~RootCertController();

  // Subscribes to the bundle; reconciles on every later change. Call once, before start().
  void follow(ca::TrustBundlePublisher& bundles);
  void start();
  // Stops the worker and unsubscribes from the bundle publisher; call before the publisher goes.
  void stop();
  // Leadership changes: on gaining it every namespace is checked.
  void set_leader(bool leading);
  // Objects written so far (creates and updates), for tests and logs.
  uint64_t writes() const { return writes_.load(); }

  // Brings one namespace's ConfigMap in line; false on an API error (retried later). Public for
  // tests.
  bool reconcile(const std::string& ns);

 private:
  void enqueue(const std::string& ns);
  void enqueue_all();
  void run(std::stop_token stop);
  std::string wanted() const;

  KubeClientPtr client_;
  InformerPtr namespaces_;
  InformerPtr config_maps_;
  ca::TrustBundlePublisher* bundles_ = nullptr;
  ca::TrustBundlePublisher::SubscriptionId subscription_ = 0;
  std::atomic<bool> leader_{false};
  std::atomic<uint64_t> writes_{0};

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::string root_pem_;
  std::set<std::string> queue_;
  std::jthread thread_;
};

}  // namespace jib::k8s
