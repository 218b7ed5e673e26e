// Kubernetes core/v1 Secret: TLS material for gateways (credentialName) and DestinationRules.
// Values are decoded bytes; nothing may log them: errors name the key, never the value.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

// Kubernetes' well-known Secret types, plus any other string (types are open-ended).
inline constexpr std::string_view kSecretTypeOpaque = "Opaque";
inline constexpr std::string_view kSecretTypeTls = "kubernetes.io/tls";

struct Secret {
  ObjectMeta meta;
  std::string type = std::string(kSecretTypeOpaque);
  // data (base64-decoded) merged with stringData, which wins on a shared key as the API server
  // does it.
  std::map<std::string, std::string> data;
  std::optional<bool> immutable;
  bool operator==(const Secret&) const = default;
};

}  // namespace jib::mesh
