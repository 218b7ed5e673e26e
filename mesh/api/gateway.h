// networking.istio.io Gateway, as typed values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"

namespace jib::mesh {

// Istio's ServerTLSSettings, shared by Gateway servers and Sidecar ingress listeners.
struct ServerTLSSettings {
  enum class Mode {
    kPassthrough,
    kSimple,
    kMutual,
    kAutoPassthrough,
    kIstioMutual,
    kOptionalMutual
  };
  enum class ProtocolVersion { kAuto, kV1_0, kV1_1, kV1_2, kV1_3 };
  struct Certificate {
    std::string server_certificate;
    std::string private_key;
    std::string ca_certificates;
    bool operator==(const Certificate&) const = default;
  };
  bool https_redirect = false;
  Mode mode = Mode::kPassthrough;
  std::string server_certificate;
  std::string private_key;
  std::string ca_certificates;
  std::string ca_crl;
  std::string credential_name;
  std::vector<std::string> credential_names;
  std::vector<Certificate> tls_certificates;
  std::vector<std::string> subject_alt_names;
  std::vector<std::string> verify_certificate_spki;
  std::vector<std::string> verify_certificate_hash;
  ProtocolVersion min_protocol_version = ProtocolVersion::kAuto;
  ProtocolVersion max_protocol_version = ProtocolVersion::kAuto;
  std::vector<std::string> cipher_suites;
  bool operator==(const ServerTLSSettings&) const = default;
};

struct Server {
  ServicePort port;
  std::string bind;
  std::vector<std::string> hosts;  // "host" or "namespace/host"
  std::optional<ServerTLSSettings> tls;
  std::string default_endpoint;
  std::string name;
  bool operator==(const Server&) const = default;
};

struct Gateway {
  ObjectMeta meta;
  std::vector<Server> servers;
  Labels selector;
  bool operator==(const Gateway&) const = default;
};

}  // namespace jib::mesh
