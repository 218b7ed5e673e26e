// security.istio.io PeerAuthentication (v1beta1 and v1), as typed values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"

namespace jib::mesh {

struct PeerAuthenticationMutualTLS {
  // kUnset inherits from the parent level (namespace, then mesh); PERMISSIVE when nothing sets it.
  enum class Mode { kUnset, kDisable, kPermissive, kStrict };
  Mode mode = Mode::kUnset;
  bool operator==(const PeerAuthenticationMutualTLS&) const = default;
};

struct PeerAuthentication {
  ObjectMeta meta;
  std::optional<WorkloadSelector> selector;
  std::optional<PeerAuthenticationMutualTLS> mtls;
  // Set but empty is an error in Istio, hence optional.
  std::optional<std::map<uint32_t, PeerAuthenticationMutualTLS>> port_level_mtls;
  bool operator==(const PeerAuthentication&) const = default;
};

}  // namespace jib::mesh
