// Where the API server is and how to authenticate to it: from a kubeconfig file (running
// outside the cluster) or from the pod's service-account mount (in cluster).
#pragma once

#include <map>
#include <string>

namespace jib::k8s {

struct KubeConfig {
  std::string server;  // "https://10.0.0.1:443"
  std::string ca_pem;  // roots for the server; system roots when empty
  bool insecure_skip_tls_verify = false;
  std::string client_cert_pem;  // client certificate authentication
  std::string client_key_pem;
  std::string token;       // bearer token given inline
  std::string token_file;  // bearer token re-read at each request (rotated by the kubelet)
  std::string ns;          // the context's or the pod's namespace; may be empty
};

// Reads the current context of a kubeconfig (YAML): cluster server and CA (certificate-
// authority-data or certificate-authority, relative to the file), user client-certificate(-data),
// client-key(-data), token or tokenFile. False with *error naming what is missing or unreadable.
// Exec and auth-provider plugins are not supported and are an error.
bool load_kubeconfig(const std::string& path, KubeConfig* out, std::string* error);
// The same from text; base_dir resolves relative file paths.
bool parse_kubeconfig(const std::string& text, const std::string& base_dir, KubeConfig* out,
                      std::string* error);

// In-cluster: KUBERNETES_SERVICE_HOST/PORT from env, token, ca.crt and namespace from
// sa_dir (normally /var/run/secrets/kubernetes.io/serviceaccount).
bool load_in_cluster(const std::map<std::string, std::string>& env, const std::string& sa_dir,
                     KubeConfig* out, std::string* error);

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

}  // namespace jib::k8s
