#include "mesh/api/kind_registry.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "mesh/api/decode_kinds.h"
#include "mesh/api/decode_policy_target.h"
#include "mesh/api/k8s_decode.h"
#include "mesh/api/k8s_validate.h"
#include "mesh/api/validate_kinds.h"
#include "mesh/api/validate_policy_target.h"
#include "mesh/api/yaml_decoder.h"

namespace jib::mesh {
namespace {

using detail::Decoder;
using detail::Reporter;

template <typename T, size_t I = 0>
constexpr size_t alternative_index() {
  static_assert(I < std::variant_size_v<ConfigObject>, "type is not a ConfigObject alternative");
  if constexpr (std::is_same_v<std::variant_alternative_t<I, ConfigObject>, T>) {
    return I;
  } else {
    return alternative_index<T, I + 1>();
  }
}

// A kind whose content is the "spec" field, as every Istio kind.
template <typename T, void (*DecodeSpec)(Decoder&, const YAML::Node&, T&),
          void (*Validate)(const T&, Reporter&)>
KindInfo spec_kind(std::string kind, std::string group, std::vector<std::string> versions) {
  return KindInfo{
      std::move(kind),
      std::move(group),
      std::move(versions),
      {"spec"},
      alternative_index<T>(),
      [](Decoder& d, const YAML::Node& doc, ConfigObject& out) {
        T& object = out.emplace<T>();
        const YAML::Node spec = doc["spec"];
        if (spec.IsDefined() && !spec.IsNull()) DecodeSpec(d, spec, object);
      },
      [](const ConfigObject& object, Reporter& report) { Validate(std::get<T>(object), report); },
  };
}

// A kind with other top-level fields (ConfigMap's data, EndpointSlice's endpoints): its decoder
// reads them from the whole document.
template <typename T, void (*DecodeDoc)(Decoder&, const YAML::Node&, T&),
          void (*Validate)(const T&, Reporter&)>
[[maybe_unused]] KindInfo document_kind(std::string kind, std::string group,
                                        std::vector<std::string> versions,
                                        std::vector<std::string> body_fields) {
  return KindInfo{
      std::move(kind),
      std::move(group),
      std::move(versions),
      std::move(body_fields),
      alternative_index<T>(),
      [](Decoder& d, const YAML::Node& doc, ConfigObject& out) {
        DecodeDoc(d, doc, out.emplace<T>());
      },
      [](const ConfigObject& object, Reporter& report) { Validate(std::get<T>(object), report); },
  };
}

const std::string kNetworking = "networking.istio.io";
const std::vector<std::string> kNetworkingVersions = {"v1alpha3", "v1beta1", "v1"};

std::vector<KindInfo> make_registry() {
  using namespace detail;
  std::vector<KindInfo> kinds;
  // One entry per kind; keep each on its own lines so that concurrent additions merge cleanly.
  kinds.push_back(spec_kind<ServiceEntry, decode_service_entry, validate_service_entry>(
      "ServiceEntry", kNetworking, kNetworkingVersions));
  kinds.push_back(spec_kind<VirtualService, decode_virtual_service, validate_virtual_service>(
      "VirtualService", kNetworking, kNetworkingVersions));
  kinds.push_back(spec_kind<DestinationRule, decode_destination_rule, validate_destination_rule>(
      "DestinationRule", kNetworking, kNetworkingVersions));
  kinds.push_back(spec_kind<Gateway, decode_gateway, validate_gateway>("Gateway", kNetworking,
                                                                       kNetworkingVersions));
  kinds.push_back(spec_kind<WorkloadEntry, decode_workload_entry, validate_workload_entry>(
      "WorkloadEntry", kNetworking, kNetworkingVersions));
  kinds.push_back(spec_kind<WorkloadGroup, decode_workload_group, validate_workload_group>(
      "WorkloadGroup", kNetworking, kNetworkingVersions));
  kinds.push_back(spec_kind<Sidecar, decode_sidecar, validate_sidecar>("Sidecar", kNetworking,
                                                                       kNetworkingVersions));
  // Kubernetes core kinds that the mesh reads.
  kinds.push_back(document_kind<K8sService, decode_k8s_service, validate_k8s_service>(
      "Service", "", {"v1"}, {"spec"}));
  kinds.push_back(document_kind<EndpointSlice, decode_endpoint_slice, validate_endpoint_slice>(
      "EndpointSlice", "discovery.k8s.io", {"v1"}, {"addressType", "endpoints", "ports"}));
  kinds.push_back(document_kind<Pod, decode_pod, validate_pod>("Pod", "", {"v1"}, {"spec"}));
  kinds.push_back(document_kind<ServiceAccount, decode_service_account, validate_service_account>(
      "ServiceAccount", "", {"v1"},
      {"secrets", "imagePullSecrets", "automountServiceAccountToken"}));
  kinds.push_back(document_kind<Namespace, decode_namespace, validate_namespace>("Namespace", "",
                                                                                 {"v1"}, {"spec"}));
  kinds.push_back(document_kind<Secret, decode_secret, validate_secret>(
      "Secret", "", {"v1"}, {"type", "data", "stringData", "immutable"}));
  kinds.push_back(document_kind<ConfigMap, decode_config_map, validate_config_map>(
      "ConfigMap", "", {"v1"}, {"data", "binaryData", "immutable"}));
  // Security, extension and telemetry kinds.
  kinds.push_back(
      spec_kind<PeerAuthentication, decode_peer_authentication, validate_peer_authentication>(
          "PeerAuthentication", "security.istio.io", {"v1beta1", "v1"}));
  kinds.push_back(spec_kind<RequestAuthentication, decode_request_authentication,
                            validate_request_authentication>(
      "RequestAuthentication", "security.istio.io", {"v1beta1", "v1"}));
  kinds.push_back(
      spec_kind<AuthorizationPolicy, decode_authorization_policy, validate_authorization_policy>(
          "AuthorizationPolicy", "security.istio.io", {"v1beta1", "v1"}));
  kinds.push_back(spec_kind<WasmPlugin, decode_wasm_plugin, validate_wasm_plugin>(
      "WasmPlugin", "extensions.istio.io", {"v1alpha1"}));
  kinds.push_back(spec_kind<Telemetry, decode_telemetry, validate_telemetry>(
      "Telemetry", "telemetry.istio.io", {"v1alpha1", "v1"}));
  return kinds;
}

struct Registry {
  std::vector<KindInfo> kinds = make_registry();
  std::vector<const KindInfo*> by_index;
  Registry() {
    by_index.resize(std::variant_size_v<ConfigObject>, nullptr);
    for (const auto& k : kinds) {
      // The store names keys from config_object.h; both tables must agree on every kind.
      if (k.kind != kConfigObjectKinds.at(k.variant_index)) {
        throw std::logic_error("kind registry and kConfigObjectKinds disagree on " + k.kind);
      }
      by_index.at(k.variant_index) = &k;
    }
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

bool KindInfo::accepts(std::string_view api_version) const {
  for (const auto& v : versions) {
    if (group.empty()
            ? api_version == v
            : api_version.size() == group.size() + 1 + v.size() && api_version.starts_with(group) &&
                  api_version[group.size()] == '/' && api_version.ends_with(v)) {
      return true;
    }
  }
  return false;
}

std::string KindInfo::api_versions() const {
  std::string out;
  for (size_t i = 0; i < versions.size(); ++i) {
    if (i > 0) out += i + 1 == versions.size() ? " or " : ", ";
    out += group.empty() ? versions[i] : group + "/" + versions[i];
  }
  return out;
}

const std::vector<KindInfo>& kinds() { return registry().kinds; }

const KindInfo* find_kind(std::string_view kind, std::string_view group) {
  for (const auto& k : registry().kinds) {
    if (k.kind == kind && k.group == group) return &k;
  }
  return nullptr;
}

bool is_known_kind_name(std::string_view kind) {
  for (const auto& k : registry().kinds) {
    if (k.kind == kind) return true;
  }
  return false;
}

bool is_known_group(std::string_view group) {
  if (group.empty()) return true;
  for (const auto& k : registry().kinds) {
    if (k.group == group) return true;
  }
  return false;
}

const KindInfo& kind_info(const ConfigObject& object) {
  const KindInfo* info = registry().by_index.at(object.index());
  // A variant alternative without a registry entry is a programming error, found by any test.
  if (info == nullptr) throw std::logic_error("ConfigObject alternative without a registry entry");
  return *info;
}

std::string_view group_of(std::string_view api_version) {
  size_t slash = api_version.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

}  // namespace jib::mesh
