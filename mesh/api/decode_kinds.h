// Internal to the parser: the spec decoders, one per kind. Each reads spec fields into out and
// reports problems through the decoder; metadata is read by parse.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include "mesh/api/destination_rule.h"
#include "mesh/api/gateway.h"
#include "mesh/api/service_entry.h"
#include "mesh/api/sidecar.h"
#include "mesh/api/virtual_service.h"
#include "mesh/api/workload_entry.h"
#include "mesh/api/workload_group.h"
#include "mesh/api/yaml_decoder.h"

namespace jib::mesh::detail {

void decode_service_entry(Decoder& d, const YAML::Node& spec, ServiceEntry& out);
void decode_virtual_service(Decoder& d, const YAML::Node& spec, VirtualService& out);
void decode_destination_rule(Decoder& d, const YAML::Node& spec, DestinationRule& out);

void decode_gateway(Decoder& d, const YAML::Node& spec, Gateway& out);
void decode_sidecar(Decoder& d, const YAML::Node& spec, Sidecar& out);
void decode_workload_entry(Decoder& d, const YAML::Node& spec, WorkloadEntry& out);
void decode_workload_group(Decoder& d, const YAML::Node& spec, WorkloadGroup& out);

// A ServiceEntry port; also a Gateway server's and a Sidecar listener's port.
void decode_service_port(Decoder& d, const YAML::Node& node, const std::string& path,
                         ServicePort& out);
// A ServiceEntry endpoint; also a WorkloadEntry's spec and a WorkloadGroup's template.
void decode_workload_entry_spec(Decoder& d, const YAML::Node& node, const std::string& path,
                                WorkloadEntrySpec& out);
void decode_server_tls(Decoder& d, const YAML::Node& node, const std::string& path,
                       ServerTLSSettings& out);
void decode_destination(Decoder& d, const YAML::Node& node, const std::string& path,
                        Destination& out);
// A VirtualService's HTTP route (decode_http_route.cpp).
void decode_http_route(Decoder& d, const YAML::Node& node, const std::string& path, HTTPRoute& out);
// Shared by DestinationRule and Sidecar (inboundConnectionPool, ingress connectionPool).
void decode_connection_pool(Decoder& d, const YAML::Node& node, const std::string& path,
                            ConnectionPoolSettings& out);
void decode_port_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                          PortSelector& out);

// ServiceEntry names the selector map "labels"; DestinationRule's (istio.type) "matchLabels".
void decode_workload_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                              std::string_view labels_key, WorkloadSelector& out);

}  // namespace jib::mesh::detail
