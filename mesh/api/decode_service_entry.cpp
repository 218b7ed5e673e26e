#include <algorithm>
#include <cctype>

#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {

void decode_service_port(Decoder& d, const YAML::Node& node, const std::string& path,
                         ServicePort& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "number") return d.u32(v, p, out.number);
    if (key == "name") return d.str(v, p, out.name);
    if (key == "targetPort") return d.u32(v, p, out.target_port);
    if (key == "protocol") {
      d.str(v, p, out.protocol);
      // Istio reads protocols case-insensitively; the typed value is upper case.
      std::transform(out.protocol.begin(), out.protocol.end(), out.protocol.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      return true;
    }
    return false;
  });
}

void decode_workload_entry_spec(Decoder& d, const YAML::Node& node, const std::string& path,
                                WorkloadEntrySpec& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "address") return d.str(v, p, out.address);
    if (key == "ports") return d.u32_map(v, p, out.ports);
    if (key == "labels") return d.string_map(v, p, out.labels);
    if (key == "network") return d.str(v, p, out.network);
    if (key == "locality") return d.str(v, p, out.locality);
    if (key == "weight") return d.u32(v, p, out.weight);
    if (key == "serviceAccount") return d.str(v, p, out.service_account);
    return false;
  });
}

void decode_workload_selector(Decoder& d, const YAML::Node& node, const std::string& path,
                              std::string_view labels_key, WorkloadSelector& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == labels_key) return d.string_map(v, p, out.match_labels);
    return false;
  });
}

void decode_service_entry(Decoder& d, const YAML::Node& spec, ServiceEntry& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "hosts") return d.strings(v, p, out.hosts);
    if (key == "addresses") return d.strings(v, p, out.addresses);
    if (key == "ports")
      return d.list(v, p, out.ports,
                    [&](auto& n, auto& ip, auto& port) { decode_service_port(d, n, ip, port); });
    if (key == "location") {
      return d.enumeration(v, p,
                           {{"MESH_EXTERNAL", ServiceEntry::Location::kMeshExternal},
                            {"MESH_INTERNAL", ServiceEntry::Location::kMeshInternal}},
                           out.location);
    }
    if (key == "resolution") {
      return d.enumeration(v, p,
                           {{"NONE", ServiceEntry::Resolution::kNone},
                            {"STATIC", ServiceEntry::Resolution::kStatic},
                            {"DNS", ServiceEntry::Resolution::kDns},
                            {"DNS_ROUND_ROBIN", ServiceEntry::Resolution::kDnsRoundRobin}},
                           out.resolution);
    }
    if (key == "endpoints")
      return d.list(v, p, out.endpoints,
                    [&](auto& n, auto& ip, auto& ep) { decode_workload_entry_spec(d, n, ip, ep); });
    if (key == "workloadSelector") {
      decode_workload_selector(d, v, p, "labels", out.workload_selector.emplace());
      return true;
    }
    if (key == "exportTo") return d.strings(v, p, out.export_to);
    if (key == "subjectAltNames") return d.strings(v, p, out.subject_alt_names);
    return false;
  });
}

}  // namespace jib::mesh::detail
