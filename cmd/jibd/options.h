// jibd's command line.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/log.h"

namespace jib::jibd {

struct Options {
  std::string config_dir;
  std::string bind = "0.0.0.0";
  std::string mesh_config_file;  // MeshConfig (YAML or JSON); empty: Istio's defaults
  int xds_port = 15010;          // plaintext ADS, as istiod's 15010
  int http_port = 15014;         // /ready, /metrics, /debug/*, as istiod's monitoring port
  int ca_port = 15012;           // CA and secure xDS
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
  // Flags that no part of jibd recognised here; later parts (the CA) take theirs from this.
  std::vector<std::string> rest;
};

// Parses argv. Returns false and sets *error for a malformed value or a missing required flag.
// Prints usage and exits for --help.
bool parse_options(int argc, char** argv, Options* out, std::string* error);

}  // namespace jib::jibd
