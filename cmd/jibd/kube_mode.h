// jibd on Kubernetes: the wiring of k8s/ (client, informers, the store's source, the root-cert
// controller, leader election, the CA's Secret store and TokenReview), kept out of main.cpp.
#pragma once

#include <memory>
#include <string>

#include "ca/ca_server.h"
#include "cmd/jibd/options.h"
#include "mesh/config/config_store.h"

namespace jib::jibd {

class KubeMode {
 public:
  // Connects (kubeconfig, or in-cluster config), registers informers and starts leader
  // election; points *ca at the cacerts Secret (plugged-in CA) when it exists, else at the
  // istio-ca-secret store, and at TokenReview through the client. Null with *error when the
  // configuration is unusable.
  static std::unique_ptr<KubeMode> create(const Options& options, mesh::ConfigStore& store,
                                          ca::CaServerOptions* ca, std::string* error);
  virtual ~KubeMode() = default;
  // Starts the informers and controllers once the CA exists, and waits (bounded) for the first
  // complete list of every resource, so that readiness means "config loaded".
  virtual void start(ca::CaServer& ca) = 0;
  // Stops controllers, informers and leader election (releasing the lease); idempotent.
  virtual void stop() = 0;
};

}  // namespace jib::jibd
