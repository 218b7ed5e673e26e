// Internal to validation: the API server's own checks for the Kubernetes core kinds, kept light
// (names, ports, addresses, keys): enough that a file the API server would refuse is refused.
#pragma once

#include <string>
#include <string_view>

#include "mesh/api/k8s_config_map.h"
#include "mesh/api/k8s_endpoint_slice.h"
#include "mesh/api/k8s_namespace.h"
#include "mesh/api/k8s_pod.h"
#include "mesh/api/k8s_secret.h"
#include "mesh/api/k8s_service.h"
#include "mesh/api/k8s_service_account.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {

void validate_k8s_service(const K8sService& svc, Reporter& report);
void validate_endpoint_slice(const EndpointSlice& slice, Reporter& report);
void validate_pod(const Pod& pod, Reporter& report);
void validate_service_account(const ServiceAccount& sa, Reporter& report);
void validate_namespace(const Namespace& ns, Reporter& report);
void validate_secret(const Secret& secret, Reporter& report);
void validate_config_map(const ConfigMap& cm, Reporter& report);

// Each returns an empty string when valid, else the reason.
std::string check_dns1035_label(std::string_view value);
// A label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
std::string check_label_key(std::string_view key);
std::string check_label_value(std::string_view value);
// A key of a Secret or ConfigMap: [-._a-zA-Z0-9]+, at most 253 characters, not "." or "..".
std::string check_config_key(std::string_view key);
// A named port (IANA_SVC_NAME): at most 15 characters, lower case letters, digits and '-', at
// least one letter, no leading, trailing or double '-'.
std::string check_port_name(std::string_view name);

}  // namespace jib::mesh::detail
