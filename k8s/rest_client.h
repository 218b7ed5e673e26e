// KubeClient over HTTPS with cpprestsdk: bearer token or client certificate, the server's CA.
#pragma once

#include <chrono>

#include "k8s/kube_client.h"
#include "k8s/kube_config.h"

namespace jib::k8s {

struct RestClientOptions {
  std::chrono::seconds timeout{30};  // for every request but watches
  // Watches stay open up to their timeoutSeconds (at most 360 s, see InformerOptions); the
  // client gives up only after this, so that the server always ends a watch first.
  std::chrono::seconds watch_timeout{420};
};

// Null with *error when the server URL or the TLS material is unusable.
KubeClientPtr make_rest_client(const KubeConfig& config, const RestClientOptions& options,
                               std::string* error);

}  // namespace jib::k8s
