// The kinds Jib reads, one table entry each: API group, accepted versions, decoder, validator.
// Parsing, validation and the store all dispatch through this table, so that adding a kind is
// adding its entry in kind_registry.cpp (and its alternative in ConfigObject).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/api/config_object.h"

namespace YAML {
class Node;
}

namespace jib::mesh {
namespace detail {
class Decoder;
class Reporter;
}  // namespace detail

struct KindInfo {
  std::string kind;                   // as Istio and Kubernetes name it: "VirtualService"
  std::string group;                  // "networking.istio.io"; "" for the Kubernetes core group
  std::vector<std::string> versions;  // accepted versions of the group: "v1alpha3", "v1"
  // Top-level fields besides apiVersion, kind, metadata and status: "spec" for most kinds,
  // "data" and the like for ConfigMap and Secret.
  std::vector<std::string> body_fields;
  size_t variant_index = 0;  // the ConfigObject alternative holding this kind
  // Emplaces the kind's type in out and decodes the document's body fields (not metadata).
  void (*decode)(detail::Decoder& d, const YAML::Node& doc, ConfigObject& out) = nullptr;
  // Istio's rules for the kind; metadata is checked by the caller.
  void (*validate)(const ConfigObject& object, detail::Reporter& report) = nullptr;

  bool accepts(std::string_view api_version) const;
  // "networking.istio.io/v1alpha3, networking.istio.io/v1beta1 or networking.istio.io/v1"
  std::string api_versions() const;
};

// Every registered kind, in registration order.
const std::vector<KindInfo>& kinds();

// The entry for a kind in a group, or nullptr.
const KindInfo* find_kind(std::string_view kind, std::string_view group);

// True when some registered kind has this name (in any group).
bool is_known_kind_name(std::string_view kind);

// True when the group holds registered kinds; the core group "" always counts.
bool is_known_group(std::string_view group);

// The entry for the alternative that object holds.
const KindInfo& kind_info(const ConfigObject& object);

// "networking.istio.io/v1" -> "networking.istio.io"; "v1" -> "".
std::string_view group_of(std::string_view api_version);

}  // namespace jib::mesh
