// A connected proxy as the generators see it: parsed once from the xDS node when it connects.
#pragma once

#include <map>
#include <string>

#include "mesh/api/object_meta.h"

namespace envoy::config::core::v3 {
class Node;
}

namespace jib::xds {

struct Proxy {
  enum class Type { kSidecar, kRouter };
  enum class InterceptionMode { kRedirect, kTproxy, kNone };

  Type type = Type::kSidecar;
  std::string id;          // the whole node id: "sidecar~10.1.2.3~pod.ns~ns.svc.cluster.local"
  std::string ip;          // second field of the node id
  std::string workload;    // third field: "<pod>.<namespace>"
  std::string dns_domain;  // fourth field
  std::string ns;          // NAMESPACE metadata, else taken from the node id
  std::string service_account;
  std::string cluster_id;
  std::string istio_version;
  InterceptionMode interception = InterceptionMode::kRedirect;
  mesh::Labels labels;
  // The stream was authenticated (secure port) and its namespace and service account are the
  // caller's own; only then may it receive credentials.
  bool identity_verified = false;
  // The caller may read the credentials (Secrets) of its namespace: set by the server from the
  // CredentialsAuthorizer before each SDS generation. Only then does SDS carry their keys.
  bool credentials_allowed = false;

  // What generators depend on besides the snapshot, except the IP, which matters only to
  // proxies with inbound ports (see inbound_ports.h). Proxies with equal keys get equal
  // resources, so generated output is cached per key.
  std::string cache_key() const;
};

// Parses an Istio-style node. Returns false and sets *error when the id is malformed.
bool parse_proxy(const envoy::config::core::v3::Node& node, Proxy* out, std::string* error);

}  // namespace jib::xds
