#include "mesh/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_tls(Decoder& d, const YAML::Node& node, const std::string& path,
                ClientTLSSettings& out) {
  using Mode = ClientTLSSettings::Mode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "mode") {
      return d.enumeration(v, p,
                           {{"DISABLE", Mode::kDisable},
                            {"SIMPLE", Mode::kSimple},
                            {"MUTUAL", Mode::kMutual},
                            {"ISTIO_MUTUAL", Mode::kIstioMutual}},
                           out.mode);
    }
    if (key == "clientCertificate") return d.str(v, p, out.client_certificate);
    if (key == "privateKey") return d.str(v, p, out.private_key);
    if (key == "caCertificates") return d.str(v, p, out.ca_certificates);
    if (key == "credentialName") return d.str(v, p, out.credential_name);
    if (key == "subjectAltNames") return d.strings(v, p, out.subject_alt_names);
    if (key == "sni") return d.str(v, p, out.sni);
    if (key == "insecureSkipVerify") return d.boolean(v, p, out.insecure_skip_verify);
    return false;
  });
}

void decode_load_balancer(Decoder& d, const YAML::Node& node, const std::string& path,
                          LoadBalancerSettings& out) {
  using Simple = LoadBalancerSettings::Simple;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "simple") {
      return d.enumeration(v, p,
                           {{"UNSPECIFIED", Simple::kUnspecified},
                            {"LEAST_REQUEST", Simple::kLeastRequest},
                            {"RANDOM", Simple::kRandom},
                            {"PASSTHROUGH", Simple::kPassthrough},
                            {"ROUND_ROBIN", Simple::kRoundRobin},
                            {"LEAST_CONN", Simple::kLeastConn}},
                           out.simple);
    }
    return false;
  });
}

void decode_traffic_policy(Decoder& d, const YAML::Node& node, const std::string& path,
                           TrafficPolicy& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "loadBalancer") {
      decode_load_balancer(d, v, p, out.load_balancer.emplace());
      return true;
    }
    if (key == "tls") {
      decode_tls(d, v, p, out.tls.emplace());
      return true;
    }
    return false;
  });
}

void decode_subset(Decoder& d, const YAML::Node& node, const std::string& path, Subset& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "labels") return d.string_map(v, p, out.labels);
    if (key == "trafficPolicy") {
      decode_traffic_policy(d, v, p, out.traffic_policy.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace

void decode_destination_rule(Decoder& d, const YAML::Node& spec, DestinationRule& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "host") return d.str(v, p, out.host);
    if (key == "trafficPolicy") {
      decode_traffic_policy(d, v, p, out.traffic_policy.emplace());
      return true;
    }
    if (key == "subsets")
      return d.list(v, p, out.subsets,
                    [&](auto& n, auto& ip, auto& s) { decode_subset(d, n, ip, s); });
    if (key == "exportTo") return d.strings(v, p, out.export_to);
    if (key == "workloadSelector") {
      decode_workload_selector(d, v, p, "matchLabels", out.workload_selector.emplace());
      return true;
    }
    return false;
  });
}

}  // namespace jib::mesh::detail
