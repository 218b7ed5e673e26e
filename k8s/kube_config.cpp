#include "k8s/kube_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "k8s/util.h"

namespace jib::k8s {
namespace {

bool read_text(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// A named entry of a kubeconfig list ("clusters", "users", "contexts"), or an undefined node.
YAML::Node find_named(const YAML::Node& root, const char* list, const std::string& name,
                      const char* field) {
  const YAML::Node items = root[list];
  if (!items.IsDefined() || !items.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& item : items) {
    if (!item.IsMap()) continue;
    const YAML::Node n = item["name"];
    if (n.IsDefined() && n.IsScalar() && n.Scalar() == name) return item[field];
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string scalar(const YAML::Node& map, const char* key) {
  // Lookups of absent keys give undefined nodes, which throw on anything but IsDefined().
  if (!map.IsDefined() || !map.IsMap()) return "";
  const YAML::Node v = map[key];
  return v.IsDefined() && v.IsScalar() ? v.Scalar() : "";
}

// Reads "<key>-data" (base64) or "<key>" (a file path) into *out; absent is fine.
bool data_or_file(const YAML::Node& map, const std::string& key, const std::string& base_dir,
                  std::string* out, std::string* error) {
  if (std::string data = scalar(map, (key + "-data").c_str()); !data.empty()) {
    if (!base64_decode(data, out)) {
      *error = key + "-data is not valid base64";
      return false;
    }
    return true;
  }
  if (std::string file = scalar(map, key.c_str()); !file.empty()) {
    return read_text(resolve(base_dir, file), out, error);
  }
  return true;
}

}  // namespace

bool parse_kubeconfig(const std::string& text, const std::string& base_dir, KubeConfig* out,
                      std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    *error = std::string("kubeconfig is not valid YAML: ") + e.what();
    return false;
  }
  if (!root.IsMap()) {
    *error = "kubeconfig is not a map";
    return false;
  }
  std::string context_name = scalar(root, "current-context");
  if (context_name.empty()) {
    *error = "kubeconfig has no current-context";
    return false;
  }
  const YAML::Node context = find_named(root, "contexts", context_name, "context");
  if (!context.IsDefined() || !context.IsMap()) {
    *error = "kubeconfig has no context \"" + context_name + "\"";
    return false;
  }
  KubeConfig config;
  config.ns = scalar(context, "namespace");
  const std::string cluster_name = scalar(context, "cluster");
  const YAML::Node cluster = find_named(root, "clusters", cluster_name, "cluster");
  if (!cluster.IsDefined() || !cluster.IsMap() || scalar(cluster, "server").empty()) {
    *error = "kubeconfig has no cluster \"" + cluster_name + "\" with a server";
    return false;
  }
  config.server = scalar(cluster, "server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  config.insecure_skip_tls_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
  if (!data_or_file(cluster, "certificate-authority", base_dir, &config.ca_pem, error)) {
    return false;
  }
  const std::string user_name = scalar(context, "user");
  if (!user_name.empty()) {
    const YAML::Node user = find_named(root, "users", user_name, "user");
    if (!user.IsDefined() || !user.IsMap()) {
      *error = "kubeconfig has no user \"" + user_name + "\"";
      return false;
    }
    if (user["exec"].IsDefined() || user["auth-provider"].IsDefined()) {
      *error = "kubeconfig user \"" + user_name + "\": exec and auth-provider are not supported";
      return false;
    }
    if (!data_or_file(user, "client-certificate", base_dir, &config.client_cert_pem, error) ||
        !data_or_file(user, "client-key", base_dir, &config.client_key_pem, error)) {
      return false;
    }
    if (config.client_cert_pem.empty() != config.client_key_pem.empty()) {
      *error = "kubeconfig user \"" + user_name + "\" has a client certificate or key alone";
      return false;
    }
    config.token = scalar(user, "token");
    if (std::string file = scalar(user, "tokenFile"); !file.empty()) {
      config.token_file = resolve(base_dir, file);
    }
  }
  *out = std::move(config);
  return true;
}

bool load_kubeconfig(const std::string& path, KubeConfig* out, std::string* error) {
  std::string text;
  if (!read_text(path, &text, error)) return false;
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (!parse_kubeconfig(text, base_dir, out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

bool load_in_cluster(const std::map<std::string, std::string>& env, const std::string& sa_dir,
                     KubeConfig* out, std::string* error) {
  auto host = env.find("KUBERNETES_SERVICE_HOST");
  auto port = env.find("KUBERNETES_SERVICE_PORT");
  if (host == env.end() || host->second.empty() || port == env.end() || port->second.empty()) {
    *error = "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set in cluster";
    return false;
  }
  KubeConfig config;
  // An IPv6 service address needs brackets in a URL.
  std::string h =
      host->second.find(':') != std::string::npos ? "[" + host->second + "]" : host->second;
  config.server = "https://" + h + ":" + port->second;
  config.token_file = sa_dir + "/token";
  std::string token;
  if (!read_text(config.token_file, &token, error) ||
      !read_text(sa_dir + "/ca.crt", &config.ca_pem, error)) {
    return false;
  }
  std::string ns;
  if (read_text(sa_dir + "/namespace", &ns, error)) config.ns = trim(ns);
  *out = std::move(config);
  return true;
}

}  // namespace jib::k8s
