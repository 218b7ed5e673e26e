// The Envoy bootstrap jib-agent writes, shaped as Istio's: the node (id, cluster, metadata that
// jibd reads as istiod does), ADS to jibd (TLS with the mesh root and the workload's own
// certificate from SDS, the token as call metadata; or plaintext to 15010), the `sds-grpc`
// cluster to the agent's Unix socket, and the admin listener.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace jib::agent {

struct BootstrapOptions {
  std::string proxy_type = "sidecar";  // sidecar or router
  std::string pod_ip = "127.0.0.1";
  std::string pod_name;
  std::string pod_namespace = "default";
  std::string service_account = "default";
  std::string workload_name;  // empty: the pod name without its last `-suffix`
  std::map<std::string, std::string> labels;
  std::string interception_mode = "REDIRECT";  // NONE for loopback tests
  std::string cluster_id = "Kubernetes";
  std::string istio_version = "1.24.0";  // the Istio release whose behaviour jibd matches
  std::string trust_domain = "cluster.local";

  std::string xds_address = "istiod.istio-system.svc:15012";  // host:port
  bool xds_plaintext = false;
  std::string xds_server_name = "istiod.istio-system.svc";  // SNI and SAN checked on jibd
  // Sent as `authorization: Bearer` on the ADS stream (gRPC initial metadata); empty: none,
  // the workload certificate alone authenticates the stream.
  std::string xds_token;
  std::string sds_socket;
  int admin_port = 15000;
};

// `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`, or `router~...`.
std::string node_id(const BootstrapOptions& options);
// The WORKLOAD_NAME to use: options.workload_name, or one derived from the pod name.
std::string workload_name(const BootstrapOptions& options);
// The whole bootstrap, as JSON (Envoy reads JSON as YAML).
nlohmann::json make_bootstrap(const BootstrapOptions& options);

// "host:port" split; false when malformed (no port, or a port out of range).
bool split_host_port(const std::string& address, std::string* host, int* port);

}  // namespace jib::agent
