// jibd's command line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/http_server.h"
#include "base/log.h"
#include "ca/ca_server.h"
#include "mesh/api/parse.h"

namespace jib::jibd {

struct Options {
  std::string config_dir;
  int config_file_max_bytes = mesh::kDefaultMaxConfigFileBytes;
  std::string bind = "0.0.0.0";
  std::string mesh_config_file;   // MeshConfig (YAML or JSON); empty: Istio's defaults
  int xds_port = 15010;           // plaintext ADS, as istiod's 15010
  int http_port = 15014;          // /ready, /metrics, /debug/*, as istiod's monitoring port
  int xds_max_streams = 100'000;  // xds::AdsServer::kDefaultMaxStreams
  http::Limits http_limits;       // what clients of http_port can make jibd hold (docs/limits.md)
  // The CA and secure xDS port (15012) is the CA's: CaServerOptions::port.
  std::chrono::milliseconds debounce{100};
  std::chrono::milliseconds debounce_max{1000};
  // How often each RequestAuthentication jwksUri is fetched again (Istio's default: 20 min).
  std::chrono::milliseconds jwks_refresh{std::chrono::minutes(20)};
  log::Level log_level = log::Level::kInfo;
  // Kubernetes mode (k8s/, cmd/jibd/kube_mode.h): with --kubeconfig, or in cluster when
  // KUBERNETES_SERVICE_HOST is set and there is no --config-dir.
  bool kube = false;
  std::string kubeconfig;
  std::string control_plane_namespace = "istio-system";
  bool leader_election = true;
  // Who may read the gateway credentials of its namespace over secure xDS. From files: these
  // service accounts ("ns/sa"), nobody else. On Kubernetes: RBAC (a SubjectAccessReview),
  // its answers reused this long.
  std::vector<std::string> gateway_service_accounts;
  std::chrono::milliseconds credentials_allow_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds credentials_deny_ttl{std::chrono::minutes(1)};
};

// Parses argv into *out and the --ca-* flags into *ca. Nullopt when jibd goes on; otherwise the
// exit code, after printing the usage (--help: stdout, 0) or the error and the usage (stderr, 2).
std::optional<int> parse_options(int argc, char** argv, Options* out, ca::CaServerOptions* ca);

}  // namespace jib::jibd
