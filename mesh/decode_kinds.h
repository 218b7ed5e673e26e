// Internal to the parser: the spec decoders, one per kind. Each reads spec fields into out and
// reports problems through the decoder; metadata is read by parse.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include "mesh/destination_rule.h"
#include "mesh/service_entry.h"
#include "mesh/virtual_service.h"
#include "mesh/yaml_decoder.h"

namespace jib::mesh::detail {

void decode_service_entry(Decoder& d, const YAML::Node& spec, ServiceEntry& out);
void decode_virtual_service(Decoder& d, const YAML::Node& spec, VirtualService& out);
void decode_destination_rule(Decoder& d, const YAML::Node& spec, DestinationRule& out);

// ServiceEntry names the selector map "labels"; DestinationRule's (istio.type) "matchLabels".
void decode_workload_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                              std::string_view labels_key, WorkloadSelector& out);

}  // namespace jib::mesh::detail
