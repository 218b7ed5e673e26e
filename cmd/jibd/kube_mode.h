// jibd on Kubernetes: the wiring of k8s/ (client, informers, the store's source, the root-cert
// controller, leader election, the CA's Secret store and TokenReview), kept out of main.cpp,
// which sees only a mesh::ConfigSource.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ca/ca_server.h"
#include "cmd/jibd/options.h"
#include "mesh/config/config_source.h"
#include "mesh/config/config_store.h"
#include "xds/serve/credentials_authorizer.h"

namespace jib::jibd {

// The CA's trust bundles, asked for when the source starts: the CA is made after the source,
// which first points its options at the cluster's CA material.
using TrustBundlesOfCa = std::function<ca::TrustBundlePublisher&()>;

// Connects (kubeconfig, or in-cluster config), registers informers and starts leader election;
// points *ca at the cacerts Secret (plugged-in CA) when it exists, else at the istio-ca-secret
// store, and at TokenReview through the client; sets *credentials to RBAC through the client
// (SubjectAccessReview). Null with *error when the configuration is unusable. load_initial() waits
// (bounded) for the first complete list of every resource; start() runs the root-cert controller on
// the CA's bundles; stop() also releases the lease.
std::unique_ptr<mesh::ConfigSource> make_kube_source(
    const Options& options, mesh::ConfigStore& store, ca::CaServerOptions* ca,
    TrustBundlesOfCa trust_bundles, xds::CredentialsAuthorizerPtr* credentials, std::string* error);

// The source of this jibd: the cluster in Kubernetes mode, else --config-dir; and who may read
// gateway credentials: RBAC on Kubernetes, else --gateway-service-accounts.
std::unique_ptr<mesh::ConfigSource> make_config_source(
    const Options& options, mesh::ConfigStore& store, ca::CaServerOptions* ca,
    TrustBundlesOfCa trust_bundles, xds::CredentialsAuthorizerPtr* credentials, std::string* error);

}  // namespace jib::jibd
