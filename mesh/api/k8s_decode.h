// Internal to the parser: decoders of the Kubernetes core kinds. Unlike Istio kinds these carry
// fields outside `spec` (Secret data, EndpointSlice endpoints, Pod status), so each reads the
// whole document; apiVersion, kind and metadata are left to parse.cpp.
//
// Fields the mesh does not read are skipped without a warning: objects exported from a cluster
// carry hundreds of them (a Pod's volumes, probes, resources), and none is an error.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "mesh/api/k8s_config_map.h"
#include "mesh/api/k8s_endpoint_slice.h"
#include "mesh/api/k8s_namespace.h"
#include "mesh/api/k8s_pod.h"
#include "mesh/api/k8s_secret.h"
#include "mesh/api/k8s_service.h"
#include "mesh/api/k8s_service_account.h"
#include "mesh/api/yaml_decoder.h"

namespace jib::mesh::detail {

void decode_k8s_service(Decoder& d, const YAML::Node& doc, K8sService& out);
void decode_endpoint_slice(Decoder& d, const YAML::Node& doc, EndpointSlice& out);
void decode_pod(Decoder& d, const YAML::Node& doc, Pod& out);
void decode_service_account(Decoder& d, const YAML::Node& doc, ServiceAccount& out);
void decode_namespace(Decoder& d, const YAML::Node& doc, Namespace& out);
void decode_secret(Decoder& d, const YAML::Node& doc, Secret& out);
void decode_config_map(Decoder& d, const YAML::Node& doc, ConfigMap& out);

// Standard base64 (RFC 4648, with padding, as the API server encodes); nullopt if malformed.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace jib::mesh::detail
